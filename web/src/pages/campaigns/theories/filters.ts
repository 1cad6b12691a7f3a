import type { CampaignType, EffectiveStatus, ListQuery } from './api';

/**
 * The list's view — filters, sort and page — lives in the address's query string, so that a link
 * (or the back button) reproduces it. Unknown or broken values are ignored, never an error.
 */
export interface TheoryFilters {
  q: string;
  type: CampaignType | null;
  stream: string | null;
  /** What the campaigns do today (the status tags), sent as `state`. */
  status: EffectiveStatus[];
  owner: string | null;
  /** ISO dates (YYYY-MM-DD): campaigns running at some day of [from, to]. */
  from: string | null;
  to: string | null;
  /** A sortable field, `-` first for descending. */
  sort: string;
  page: number;
  size: number;
}

export const CAMPAIGN_TYPES: readonly CampaignType[] = ['RB1', 'RB3'];
export const STATUSES: readonly EffectiveStatus[] = ['draft', 'scheduled', 'active', 'ended', 'finished', 'cancelled'];
/** The fields GET /campaigns sorts by (the server's SORTABLE). */
export const SORTABLE = ['code', 'name', 'start_date', 'end_date', 'target_count', 'created_at', 'deployed_at'] as const;
export type SortField = (typeof SORTABLE)[number];
export const DEFAULT_SORT = '-created_at';
export const PAGE_SIZES = [20, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 20;

export const NO_FILTERS: TheoryFilters = {
  q: '',
  type: null,
  stream: null,
  status: [],
  owner: null,
  from: null,
  to: null,
  sort: DEFAULT_SORT,
  page: 1,
  size: DEFAULT_PAGE_SIZE,
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function text(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)?.trim();
  return value ? value : null;
}

function date(params: URLSearchParams, name: string): string | null {
  const value = text(params, name);
  return value && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : null;
}

function positive(params: URLSearchParams, name: string): number | null {
  const value = Number(params.get(name));
  return Number.isInteger(value) && value > 0 ? value : null;
}

export function isSort(value: string): boolean {
  return (SORTABLE as readonly string[]).includes(value.replace(/^-/, ''));
}

export function filtersFromParams(params: URLSearchParams): TheoryFilters {
  const type = text(params, 'type');
  const sort = text(params, 'sort');
  const size = positive(params, 'size');
  return {
    q: text(params, 'q') ?? '',
    type: type && (CAMPAIGN_TYPES as readonly string[]).includes(type) ? (type as CampaignType) : null,
    stream: text(params, 'stream'),
    status: STATUSES.filter((status) => params.getAll('status').includes(status)),
    owner: text(params, 'owner'),
    from: date(params, 'from'),
    to: date(params, 'to'),
    sort: sort && isSort(sort) ? sort : DEFAULT_SORT,
    page: positive(params, 'page') ?? 1,
    size: size && (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The query string of a view: only what differs from the default view, in a stable order. */
export function paramsFromFilters(filters: TheoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.type) params.set('type', filters.type);
  if (filters.stream) params.set('stream', filters.stream);
  for (const status of filters.status) params.append('status', status);
  if (filters.owner) params.set('owner', filters.owner);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.sort !== DEFAULT_SORT) params.set('sort', filters.sort);
  if (filters.page !== 1) params.set('page', String(filters.page));
  if (filters.size !== DEFAULT_PAGE_SIZE) params.set('size', String(filters.size));
  return params;
}

/** True when any filter (not sort or paging) narrows the list. */
export function isFiltered(filters: TheoryFilters): boolean {
  return Boolean(
    filters.q.trim() ||
      filters.type ||
      filters.stream ||
      filters.status.length ||
      filters.owner ||
      filters.from ||
      filters.to,
  );
}

/** The GET /campaigns query of a view (absent filters are left out). */
export function listQuery(filters: TheoryFilters): ListQuery {
  const query: ListQuery = {
    sort: filters.sort,
    limit: filters.size,
    offset: (filters.page - 1) * filters.size,
  };
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.type) query.type = filters.type;
  if (filters.stream) query.stream = filters.stream;
  if (filters.status.length) query.state = filters.status;
  if (filters.owner) query.owner = filters.owner;
  if (filters.from) query.date_from = filters.from;
  if (filters.to) query.date_to = filters.to;
  return query;
}

/** The sort as antd's table sees it: which field, which way. */
export function sortState(sort: string): { field: SortField; order: 'ascend' | 'descend' } {
  const descending = sort.startsWith('-');
  return { field: sort.replace(/^-/, '') as SortField, order: descending ? 'descend' : 'ascend' };
}

/** A view with some filters changed: back to the first page, since the old page may not exist. */
export function withFilters(filters: TheoryFilters, change: Partial<TheoryFilters>): TheoryFilters {
  return { ...filters, ...change, page: change.page ?? 1 };
}
