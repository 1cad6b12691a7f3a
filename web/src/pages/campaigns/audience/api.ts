import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { api } from '../../../api/client';
import { ApiError, errorItemsOf, errorItemText, toApiError, unwrap } from '../../../api/errors';
import { useDebounced } from '../../../lib/useDebounced';
import type { AudienceSpec, ExplainResult, Preview, SavedAudience } from './types';

export interface PreviewResult {
  preview: Preview;
  /** The spec this preview was computed for (the screen may already show a newer one). */
  spec: AudienceSpec;
  key: string;
  /** The spec and the push event type asked with it. */
  asked: string;
}

/** How long the spec must stay unchanged before it is previewed. */
export const PREVIEW_DEBOUNCE_MS = 300;

/** Where in the spec a 422 points: a filter (by index in spec.filters), the source, the rank or elsewhere. */
export interface SpecIssue {
  filterIndex: number | null;
  part: 'filter' | 'source' | 'rank' | 'other';
  message: string;
}

/** An API error that also says which parts of the spec it is about (422s name the bad field). */
export class SpecError extends ApiError {
  readonly issues: SpecIssue[];

  constructor(base: ApiError, issues: SpecIssue[]) {
    super(base.message, base.status, base.errorClass, base.code, base.params, base.errors);
    this.issues = issues;
  }
}

function issueAt(field: string, message: string): SpecIssue {
  // Fields come as `spec.filters.1.age` (request validation and the catalog check alike): after
  // the envelope, they start with the part of the spec.
  const parts = field
    .split('.')
    .filter((p) => p !== 'body' && p !== 'spec')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const head = parts[0];
  if (head === 'filters' && typeof parts[1] === 'number') return { filterIndex: parts[1], part: 'filter', message };
  if (head === 'source' || head === 'rank') return { filterIndex: null, part: head, message };
  return { filterIndex: null, part: 'other', message };
}

/** The issues of a 422 body: its `errors`, each in the interface language, placed by its field. */
export function specIssuesOf(body: unknown): SpecIssue[] {
  return errorItemsOf(body).map((item) => issueAt(item.field ?? '', errorItemText(item, undefined, { withField: false })));
}

function unwrapSpec<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw new SpecError(toApiError(result.error, result.response), specIssuesOf(result.error));
}

export function useAudienceOptions() {
  return useQuery({
    queryKey: ['audiences', 'options'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/audiences/options', { signal })),
  });
}

/** The caller's uploads (GET /uploads), for the upload source and filter. */
export function useUploads() {
  return useQuery({
    queryKey: ['uploads', 'list', 'audience-builder'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/uploads', { params: { query: { limit: 200 } }, signal })),
  });
}

/** The caller's saved audiences (GET /audiences), for the saved-audience source. */
export function useSavedAudiences() {
  return useQuery({
    queryKey: ['audiences', 'list'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/audiences', { params: { query: { limit: 200 } }, signal })),
  });
}

/**
 * The live preview of a spec: asked ~300 ms after the last change; a request whose spec is no
 * longer current is cancelled (TanStack Query aborts a query's signal when it loses its observer).
 * While a new answer is on its way the previous one stays on screen.
 */
export function useAudiencePreview(spec: AudienceSpec | null, pushEventType: string | null = null) {
  // The push event type changes only the reachability, but it is part of what is asked.
  const key = spec ? JSON.stringify(spec) : null;
  const askedKey = key === null ? null : JSON.stringify([key, pushEventType]);
  const debouncedKey = useDebounced(askedKey, PREVIEW_DEBOUNCE_MS);
  const query = useQuery<PreviewResult, SpecError>({
    queryKey: ['audiences', 'preview', debouncedKey],
    enabled: debouncedKey !== null,
    queryFn: async ({ signal }) => {
      const [specKey, eventType] = JSON.parse(debouncedKey as string) as [string, string | null];
      const asked = JSON.parse(specKey) as AudienceSpec;
      const preview = unwrapSpec(
        await api.POST('/api/v1/audiences/preview', {
          body: {
            spec: asked,
            sample: true,
            distributions: true,
            reachability: true,
            overlap: true,
            push_event_type: eventType,
          },
          signal,
        }),
      );
      return { preview, spec: asked, key: specKey, asked: debouncedKey as string };
    },
    placeholderData: keepPreviousData,
    staleTime: 15_000,
    retry: false,
  });
  // The last answer stays on screen (dimmed) while a newer spec is counted or was refused.
  const [lastGood, setLastGood] = useState<PreviewResult | undefined>(undefined);
  if (query.data && query.data !== lastGood && !query.isPlaceholderData) setLastGood(query.data);
  const result = query.data ?? lastGood;
  const fresh = askedKey !== null && result?.asked === askedKey;
  return {
    ...query,
    result,
    /** The data is the preview of the spec on screen (not a previous one kept while recounting). */
    fresh,
    /** The spec changed and its count is not in yet. */
    pending: askedKey !== null && (askedKey !== debouncedKey || query.isFetching),
    /** The error is about the spec on screen. */
    currentError: askedKey !== null && askedKey === debouncedKey && !query.isFetching ? query.error : null,
  };
}

export function useSaveAudience() {
  const queryClient = useQueryClient();
  return useMutation<SavedAudience, SpecError, { name: string; spec: AudienceSpec }>({
    mutationFn: async (body) => unwrapSpec(await api.POST('/api/v1/audiences', { body })),
    // The lists that offer saved audiences; not the previews, whose answers do not change.
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['audiences', 'options'] }),
        queryClient.invalidateQueries({ queryKey: ['audiences', 'list'] }),
      ]);
    },
  });
}

export interface ExplainRequest {
  iin: string;
  spec: AudienceSpec;
  /** Ask about this saved audience instead (its spec as saved, and its frozen snapshot). */
  savedId?: string;
}

export function useExplainIin() {
  return useMutation<ExplainResult, SpecError, ExplainRequest>({
    mutationFn: async ({ iin, spec, savedId }) =>
      savedId
        ? unwrapSpec(
            await api.GET('/api/v1/audiences/{audience_id}/explain', {
              params: { path: { audience_id: savedId }, query: { iin } },
            }),
          )
        : unwrapSpec(await api.POST('/api/v1/audiences/explain', { body: { iin, spec } })),
  });
}

/** One saved audience with its spec (to open it in the builder). */
export async function fetchAudience(id: string): Promise<SavedAudience> {
  return unwrap(await api.GET('/api/v1/audiences/{audience_id}', { params: { path: { audience_id: id } } }));
}

/** Every version of the audience's family, oldest first (GET /audiences/{id}/versions). */
export function useAudienceVersions(id: string | null) {
  return useQuery({
    queryKey: ['audiences', 'versions', id],
    enabled: id !== null,
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/audiences/{audience_id}/versions', {
          params: { path: { audience_id: id as string } },
          signal,
        }),
      ),
  });
}

/** Save the spec as the next version of the audience `id` (a new snapshot; the old one stays). */
export function useSaveAudienceVersion() {
  const queryClient = useQueryClient();
  return useMutation<SavedAudience, SpecError, { id: string; name?: string; spec: AudienceSpec }>({
    mutationFn: async ({ id, name, spec }) =>
      unwrapSpec(
        await api.POST('/api/v1/audiences/{audience_id}/versions', {
          params: { path: { audience_id: id } },
          body: { spec, name: name ?? null },
        }),
      ),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['audiences', 'options'] }),
        queryClient.invalidateQueries({ queryKey: ['audiences', 'list'] }),
        queryClient.invalidateQueries({ queryKey: ['audiences', 'versions'] }),
      ]);
    },
  });
}

/**
 * How many of a campaign's members (a draft: its saved audience) are already in other deployed
 * campaigns whose dates overlap its own (GET /campaigns/{code}/overlap).
 */
export function useCampaignOverlap(code: string | null | undefined) {
  return useQuery({
    queryKey: ['campaigns', 'overlap', code],
    enabled: Boolean(code),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/campaigns/{code}/overlap', { params: { path: { code: code as string } }, signal })),
    staleTime: 15_000,
  });
}
