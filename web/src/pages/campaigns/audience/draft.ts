/**
 * The builder's editable state (a draft) and its translation into the API's audience spec.
 *
 * A draft may be incomplete while the analyst edits it (a filial filter with no filial chosen yet):
 * incomplete filters are left out of the spec, and the builder says so on the filter, instead of
 * sending a spec the server must refuse. One draft filter may become several spec filters: every
 * chosen suppression list is a funnel step of its own.
 */
import { bankToday } from '../../../lib/dates';
import type {
  AudienceSpec,
  ColumnKind,
  ColumnOp,
  ColumnValue,
  Device,
  FilterKind,
  Gender,
  SpecFilter,
  SpecRank,
  SpecSource,
  StreamGroup,
} from './types';

export const GLOBAL_CONTROL = 'global_control';

export type DraftFilter =
  | { id: string; kind: 'suppression'; lists: string[] }
  | { id: string; kind: 'age'; min: number | null; max: number | null }
  | { id: string; kind: 'gender'; values: Gender[] }
  | { id: string; kind: 'device'; values: Device[] }
  | { id: string; kind: 'filial'; codes: string[] }
  | { id: string; kind: 'mau' }
  | { id: string; kind: 'push_enabled' }
  | { id: string; kind: 'push_optout'; event_types: string[] }
  | { id: string; kind: 'product'; products: string[]; mode: 'has' | 'has_not' }
  | { id: string; kind: 'stream'; stream: string | null; exclude: StreamGroup[] }
  | { id: string; kind: 'recent_contact'; days: number | null; streams: string[]; channels: string[] }
  | { id: string; kind: 'frequency_cap'; max_contacts: number | null; days: number | null }
  | { id: string; kind: 'upload'; upload_id: string | null; mode: 'include' | 'exclude' }
  | DraftColumnFilter
  | { id: string; kind: 'any_of'; filters: DraftFilter[] };

/** A column filter being edited: `value` for one-value operators, `low`/`high` for between,
 * `values` for in/not_in (numbers, texts, or ISO dates as texts). */
export interface DraftColumnFilter {
  id: string;
  kind: 'column';
  column: string | null;
  op: ColumnOp;
  value: ColumnValue | null;
  low: number | string | null;
  high: number | string | null;
  values: (number | string)[];
}

export type DraftSource =
  | { kind: 'feature_store' }
  | { kind: 'products'; products: string[]; mode: 'any' | 'all' }
  | { kind: 'upload'; upload_id: string | null }
  | { kind: 'audience'; audience_id: string | null };

export type SourceKind = DraftSource['kind'];
export const SOURCE_KINDS: SourceKind[] = ['feature_store', 'products', 'upload', 'audience'];

export interface DraftRank {
  enabled: boolean;
  sum_of: string[];
  min: number | null;
  top_n: number | null;
}

export interface Draft {
  referenceDate: string;
  /** The global control group is excluded as the first step (on by default, shown plainly). */
  globalControl: boolean;
  source: DraftSource;
  filters: DraftFilter[];
  rank: DraftRank;
}

/** The kinds of filter in the order the "add a filter" menu offers them. */
export const FILTER_KINDS: FilterKind[] = [
  'suppression',
  'age',
  'gender',
  'device',
  'filial',
  'mau',
  'push_enabled',
  'push_optout',
  'product',
  'stream',
  'recent_contact',
  'frequency_cap',
  'upload',
  'column',
  'any_of',
];

/** What an "Any of (OR)" group may hold: row tests and inclusion sets (server: spec.ANY_OF_KINDS). */
export const ANY_OF_KINDS: FilterKind[] = ['age', 'gender', 'device', 'filial', 'mau', 'push_enabled', 'column', 'product', 'upload'];
export const ANY_OF_MAX = 20;

/** The operators that fit a column type (server: audiences.resolve.COLUMN_OPS), in menu order. */
export const COLUMN_OPS: Record<ColumnKind, ColumnOp[]> = {
  number: ['=', '!=', '<', '<=', '>', '>=', 'between', 'in', 'not_in', 'is_null', 'not_null'],
  text: ['=', '!=', 'in', 'not_in', 'is_null', 'not_null'],
  boolean: ['=', '!=', 'is_null', 'not_null'],
  date: ['=', '!=', '<', '<=', '>', '>=', 'between', 'is_null', 'not_null'],
};

/** The spec filter of a column draft, or null while a value it needs is missing. */
export function columnSpecOf(filter: DraftColumnFilter): SpecFilter | null {
  const { column, op } = filter;
  if (!column) return null;
  if (op === 'is_null' || op === 'not_null') return { kind: 'column', column, op };
  if (op === 'between') {
    if (filter.low === null || filter.high === null) return null;
    return { kind: 'column', column, op, value: [filter.low, filter.high] };
  }
  if (op === 'in' || op === 'not_in') return filter.values.length ? { kind: 'column', column, op, value: filter.values } : null;
  return filter.value === null || filter.value === '' ? null : { kind: 'column', column, op, value: filter.value };
}

let nextId = 0;
function newId(): string {
  nextId += 1;
  return `f${nextId}`;
}

/** A new, empty filter of a kind (incomplete until the analyst chooses what it needs). */
export function newFilter(kind: FilterKind): DraftFilter {
  const id = newId();
  switch (kind) {
    case 'suppression':
      return { id, kind, lists: [] };
    case 'age':
      return { id, kind, min: null, max: null };
    case 'gender':
    case 'device':
      return { id, kind, values: [] } as DraftFilter;
    case 'filial':
      return { id, kind, codes: [] };
    case 'mau':
    case 'push_enabled':
      return { id, kind };
    case 'push_optout':
      return { id, kind, event_types: [] };
    case 'product':
      return { id, kind, products: [], mode: 'has' };
    case 'stream':
      return { id, kind, stream: null, exclude: ['local_control', 'local_target'] };
    case 'recent_contact':
      return { id, kind, days: 14, streams: [], channels: [] };
    case 'frequency_cap':
      return { id, kind, max_contacts: 3, days: 30 };
    case 'upload':
      return { id, kind, upload_id: null, mode: 'exclude' };
    case 'column':
      return { id, kind, column: null, op: '=', value: null, low: null, high: null, values: [] };
    case 'any_of':
      return { id, kind, filters: [] };
  }
}

/** A new filter inside an "Any of" group: inclusion modes only (no exclusion inside an OR). */
export function newGroupFilter(kind: FilterKind): DraftFilter {
  const filter = newFilter(kind);
  return filter.kind === 'upload' ? { ...filter, mode: 'include' } : filter;
}

export function newSource(kind: SourceKind): DraftSource {
  switch (kind) {
    case 'feature_store':
      return { kind };
    case 'products':
      return { kind, products: [], mode: 'any' };
    case 'upload':
      return { kind, upload_id: null };
    case 'audience':
      return { kind, audience_id: null };
  }
}

/** The spec filters a draft filter stands for; empty while it is incomplete. */
export function specFiltersOf(filter: DraftFilter): SpecFilter[] {
  switch (filter.kind) {
    case 'suppression':
      return filter.lists.map((list) => ({ kind: 'suppression', list }));
    case 'age':
      if (filter.min === null && filter.max === null) return [];
      return [{ kind: 'age', min: filter.min, max: filter.max }];
    case 'gender':
      return filter.values.length ? [{ kind: 'gender', values: filter.values }] : [];
    case 'device':
      return filter.values.length ? [{ kind: 'device', values: filter.values }] : [];
    case 'filial':
      return filter.codes.length ? [{ kind: 'filial', codes: filter.codes }] : [];
    case 'mau':
      return [{ kind: 'mau' }];
    case 'push_enabled':
      return [{ kind: 'push_enabled' }];
    case 'push_optout':
      return filter.event_types.length ? [{ kind: 'push_optout', event_types: filter.event_types }] : [];
    case 'product':
      return filter.products.length ? [{ kind: 'product', products: filter.products, mode: filter.mode }] : [];
    case 'stream':
      return filter.stream && filter.exclude.length
        ? [{ kind: 'stream', stream: filter.stream, exclude: filter.exclude }]
        : [];
    case 'recent_contact':
      return filter.days
        ? [{ kind: 'recent_contact', days: filter.days, streams: filter.streams, channels: filter.channels }]
        : [];
    case 'frequency_cap':
      return filter.max_contacts && filter.days
        ? [{ kind: 'frequency_cap', max_contacts: filter.max_contacts, days: filter.days }]
        : [];
    case 'upload':
      return filter.upload_id ? [{ kind: 'upload', upload_id: filter.upload_id, mode: filter.mode }] : [];
    case 'column': {
      const spec = columnSpecOf(filter);
      return spec ? [spec] : [];
    }
    case 'any_of': {
      // Incomplete inner filters are left out; a group needs two complete ones to mean "or".
      const inner = filter.filters.flatMap(specFiltersOf);
      return inner.length >= 2 ? [{ kind: 'any_of', filters: inner }] : [];
    }
  }
}

export function specSourceOf(source: DraftSource): SpecSource | null {
  switch (source.kind) {
    case 'feature_store':
      return { kind: 'feature_store' };
    case 'products':
      return source.products.length ? { kind: 'products', products: source.products, mode: source.mode } : null;
    case 'upload':
      return source.upload_id ? { kind: 'upload', upload_id: source.upload_id } : null;
    case 'audience':
      return source.audience_id ? { kind: 'audience', audience_id: source.audience_id } : null;
  }
}

export function specRankOf(rank: DraftRank): SpecRank | null {
  if (!rank.enabled || rank.sum_of.length === 0) return null;
  return { sum_of: rank.sum_of, min: rank.min, top_n: rank.top_n };
}

/** Who a spec filter came from: the global control toggle or a draft filter (by id). */
export type FilterOwner = typeof GLOBAL_CONTROL | string;

export interface CompiledDraft {
  /** The spec to preview and save; null while the source is incomplete. */
  spec: AudienceSpec | null;
  /** The owner of every spec filter, by its index in `spec.filters`. */
  owners: FilterOwner[];
  /** Draft filters left out of the spec because they are not complete yet. */
  incomplete: Set<string>;
}

export function compileDraft(draft: Draft): CompiledDraft {
  const filters: SpecFilter[] = [];
  const owners: FilterOwner[] = [];
  const incomplete = new Set<string>();
  if (draft.globalControl) {
    filters.push({ kind: 'suppression', list: GLOBAL_CONTROL });
    owners.push(GLOBAL_CONTROL);
  }
  for (const filter of draft.filters) {
    const parts = specFiltersOf(filter);
    if (parts.length === 0) incomplete.add(filter.id);
    for (const part of parts) {
      filters.push(part);
      owners.push(filter.id);
    }
  }
  const source = specSourceOf(draft.source);
  const spec: AudienceSpec | null = source
    ? { version: 1, reference_date: draft.referenceDate, source, filters, rank: specRankOf(draft.rank) }
    : null;
  return { spec, owners, incomplete };
}

/**
 * A draft from a spec (the server's default spec, or a saved one): a leading global-control
 * suppression becomes the toggle; every other filter becomes a draft filter of its own.
 */
export function draftFromSpec(spec: AudienceSpec, referenceDate?: string): Draft {
  const specFilters = [...(spec.filters ?? [])];
  const globalControl = specFilters.some((f) => f.kind === 'suppression' && f.list === GLOBAL_CONTROL);
  const filters: DraftFilter[] = specFilters
    .filter((f) => !(f.kind === 'suppression' && f.list === GLOBAL_CONTROL))
    .map((f): DraftFilter => {
      const id = newId();
      switch (f.kind) {
        case 'suppression':
          return { id, kind: f.kind, lists: [f.list] };
        case 'age':
          return { id, kind: f.kind, min: f.min ?? null, max: f.max ?? null };
        case 'gender':
          return { id, kind: f.kind, values: f.values };
        case 'device':
          return { id, kind: f.kind, values: f.values };
        case 'filial':
          return { id, kind: f.kind, codes: f.codes };
        case 'mau':
        case 'push_enabled':
          return { id, kind: f.kind };
        case 'push_optout':
          return { id, kind: f.kind, event_types: f.event_types };
        case 'product':
          return { id, kind: f.kind, products: f.products, mode: f.mode };
        case 'stream':
          return { id, kind: f.kind, stream: f.stream, exclude: f.exclude ?? ['local_control', 'local_target'] };
        case 'recent_contact':
          return { id, kind: f.kind, days: f.days, streams: f.streams ?? [], channels: f.channels ?? [] };
        case 'frequency_cap':
          return { id, kind: f.kind, max_contacts: f.max_contacts, days: f.days };
        case 'upload':
          return { id, kind: f.kind, upload_id: f.upload_id, mode: f.mode };
        case 'column':
          return draftColumnOf(id, f);
        case 'any_of':
          return { id, kind: f.kind, filters: draftFromSpec({ version: 1, filters: f.filters }).filters };
      }
    });
  const source: DraftSource = spec.source ? { ...spec.source } : { kind: 'feature_store' };
  return {
    referenceDate: referenceDate ?? spec.reference_date ?? bankToday(),
    globalControl,
    source,
    filters,
    rank: spec.rank
      ? { enabled: true, sum_of: spec.rank.sum_of, min: spec.rank.min ?? null, top_n: spec.rank.top_n ?? null }
      : { enabled: false, sum_of: [], min: null, top_n: null },
  };
}

/** Move the item at `index` by `delta` places (clamped); returns a new array. */
export function moved<T>(items: readonly T[], index: number, delta: number): T[] {
  const target = Math.max(0, Math.min(items.length - 1, index + delta));
  if (target === index) return [...items];
  const copy = [...items];
  const [item] = copy.splice(index, 1);
  copy.splice(target, 0, item as T);
  return copy;
}

export function hasHelp(kind: FilterKind): boolean {
  return ['suppression', 'age', 'push_optout', 'stream', 'recent_contact', 'frequency_cap', 'column', 'any_of'].includes(kind);
}


function draftColumnOf(id: string, f: Extract<SpecFilter, { kind: 'column' }>): DraftColumnFilter {
  const draft: DraftColumnFilter = { ...newFilter('column'), id } as DraftColumnFilter;
  const value = f.value ?? null;
  draft.column = f.column;
  draft.op = f.op;
  if (Array.isArray(value)) {
    const plain = value.filter((v): v is number | string => typeof v !== 'boolean');
    if (f.op === 'between') [draft.low, draft.high] = [plain[0] ?? null, plain[1] ?? null];
    else draft.values = plain;
  } else draft.value = value;
  return draft;
}
