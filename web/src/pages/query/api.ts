import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../../api/client';
import { apiErrorOf, unwrap } from '../../api/errors';
import { followJob, type Job } from '../../lib/jobs';
import type { components } from '../../api/schema';

export type QuerySpec = components['schemas']['QuerySpec'];
export type Condition = components['schemas']['Condition'];
export type FilterGroup = components['schemas']['FilterGroup'];
export type ColumnRef = components['schemas']['ColumnRef'];
export type Aggregation = components['schemas']['Aggregation'];
export type GroupBy = components['schemas']['GroupBy'];
export type Join = components['schemas']['Join'];
export type SourceInfo = components['schemas']['SourceOut'];
export type QueryResult = components['schemas']['QueryResult'];
export type CompiledSql = components['schemas']['CompiledSql'];
export type SavedQuery = components['schemas']['SavedQueryOut'];
export type ViewerPage = components['schemas']['ViewerPage'];
export type ColumnProfile = components['schemas']['ColumnProfile'];
export type Op = Condition['op'];
export type Kind = components['schemas']['QueryColumn']['kind'];

/** The operators each kind of column offers, in the order the menus show them. */
export const OPS_BY_KIND: Record<Kind, Op[]> = {
  text: ['=', '!=', 'in', 'not_in', 'contains', 'starts_with', 'is_null', 'not_null'],
  number: ['=', '!=', '<', '<=', '>', '>=', 'between', 'in', 'not_in', 'is_null', 'not_null'],
  date: ['=', '!=', '<', '<=', '>', '>=', 'between', 'last_days', 'is_null', 'not_null'],
  timestamp: ['<', '<=', '>', '>=', 'between', 'last_days', 'is_null', 'not_null'],
  boolean: ['=', 'is_null', 'not_null'],
};

export function needsNoValue(op: Op): boolean {
  return op === 'is_null' || op === 'not_null';
}

/** The text a user typed, as the value the spec wants for this column kind and operator. */
export function parseValue(kind: Kind, op: Op, text: string): Condition['value'] {
  if (needsNoValue(op)) return null;
  if (op === 'last_days') return Number.parseInt(text, 10);
  const one = (part: string): string | number | boolean => {
    const trimmed = part.trim();
    if (kind === 'number') return Number(trimmed);
    if (kind === 'boolean') return trimmed === 'true';
    return trimmed;
  };
  if (op === 'in' || op === 'not_in' || op === 'between') {
    return text
      .split(',')
      .filter((part) => part.trim() !== '')
      .map(one);
  }
  return one(text);
}

export function useQuerySchema() {
  return useQuery({
    queryKey: ['queries', 'schema'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/queries/schema', { signal })),
    staleTime: 60_000,
  });
}

export async function runQuery(spec: QuerySpec): Promise<QueryResult> {
  return unwrap(await api.POST('/api/v1/queries/run', { body: { spec } }));
}

export async function compileQuery(spec: QuerySpec): Promise<CompiledSql> {
  return unwrap(await api.POST('/api/v1/queries/sql', { body: { spec } }));
}

export function useSavedQueries() {
  return useQuery({
    queryKey: ['queries', 'saved'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/queries/saved', { signal })),
  });
}

export function useSaveQuery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { id?: string; name: string; shared: boolean; spec: QuerySpec }) => {
      const body = { name: input.name, shared: input.shared, spec: input.spec };
      if (input.id) {
        return unwrap(
          await api.PUT('/api/v1/queries/saved/{query_id}', { params: { path: { query_id: input.id } }, body }),
        );
      }
      return unwrap(await api.POST('/api/v1/queries/saved', { body }));
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['queries', 'saved'] }),
  });
}

export interface ViewerParams {
  sort?: string;
  desc?: boolean;
  after?: string;
  limit?: number;
  q?: string;
  filters?: Condition[];
  count?: boolean;
}

export function useViewerPage(name: string, params: ViewerParams) {
  return useQuery({
    queryKey: ['viewer', name, params],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/viewer/{name}/rows', {
          signal,
          params: {
            path: { name },
            query: {
              sort: params.sort,
              desc: params.desc,
              after: params.after,
              limit: params.limit ?? 100,
              q: params.q || undefined,
              filters: params.filters?.length ? JSON.stringify(params.filters) : undefined,
              count: params.count,
            },
          },
        }),
      ),
    placeholderData: (previous) => previous,
  });
}

export function useColumnProfile(name: string, column: string | null, filters: Condition[]) {
  return useQuery({
    queryKey: ['viewer', name, 'profile', column, filters],
    enabled: column !== null,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/viewer/{name}/profile/{column}', {
          signal,
          params: {
            path: { name, column: column ?? '' },
            query: { filters: filters.length ? JSON.stringify(filters) : undefined },
          },
        }),
      ),
  });
}

export type ExportFormat = 'csv' | 'xlsx' | 'parquet';
type QueryExportLink = components['schemas']['QueryExportLink'];

/** Let the browser fetch `url` itself and save it to disk (never into the page's memory). */
function followDownload(url: string, filename: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * POST /queries/export-link (audited), then the browser downloads the file from the short-lived
 * signed link. Above 100 000 rows a job writes the file first (202): `onProgress` follows it.
 */
export async function downloadQueryExport(
  spec: QuerySpec,
  format: ExportFormat,
  onProgress?: (job: Job) => void,
): Promise<string> {
  const answer = unwrap(await api.POST('/api/v1/queries/export-link', { body: { spec, format } }));
  let link: QueryExportLink;
  if ('job_id' in answer) {
    const job = await followJob(answer.job_id, { onProgress });
    if (job.status !== 'succeeded') throw apiErrorOf(job.result, 500, job.error ?? 'the export failed');
    link = job.result as QueryExportLink;
  } else link = answer;
  followDownload(link.url, link.filename);
  return link.filename;
}

/** "Use as audience source": the result's IINs become an upload the audience builder can use. */
export async function resultToUpload(spec: QuerySpec, name: string) {
  return unwrap(await api.POST('/api/v1/queries/to-upload', { body: { spec, name } }));
}

/** Whether the SQL assistant is configured on the server (the builder hides its box if not). */
export function useAssistantStatus() {
  return useQuery({
    queryKey: ['queries', 'assistant'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/queries/assistant', { signal })),
    staleTime: 300_000,
  });
}

/** A question turned into a query spec by the server's chat model, validated; nothing runs. */
export async function askAssistant(question: string, language: 'ru' | 'kk' | 'en'): Promise<Record<string, unknown>> {
  return unwrap(await api.POST('/api/v1/queries/assistant', { body: { question, language } })).spec;
}
