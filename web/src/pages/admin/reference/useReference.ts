import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../api/client';
import { toApiError, unwrap } from '../../../api/errors';
import type { components } from '../../../api/schema';

type Schemas = components['schemas'];

/** The four reference lists the admin edits, by their path segment. */
export type ReferenceKind = 'streams' | 'filials' | 'push-event-types' | 'channels';
export const REFERENCE_KINDS: ReferenceKind[] = ['streams', 'filials', 'push-event-types', 'channels'];

export interface RowOf {
  streams: Schemas['StreamOut'];
  filials: Schemas['FilialOut'];
  'push-event-types': Schemas['PushEventTypeOut'];
  channels: Schemas['ChannelOut'];
}
export type ReferenceRow = RowOf[ReferenceKind];
export type ReferenceValues = Record<string, string | number | boolean | null | undefined>;

export const referenceKey = (kind: ReferenceKind) => ['reference', kind, 'all'] as const;

async function list(kind: ReferenceKind, signal: AbortSignal): Promise<ReferenceRow[]> {
  switch (kind) {
    case 'streams':
      return unwrap(await api.GET('/api/v1/reference/streams', { signal })).items;
    case 'filials':
      return unwrap(await api.GET('/api/v1/reference/filials', { signal })).items;
    case 'push-event-types':
      return unwrap(await api.GET('/api/v1/reference/push-event-types', { signal })).items;
    case 'channels':
      return unwrap(await api.GET('/api/v1/reference/channels', { signal })).items;
  }
}

export function useReferenceList(kind: ReferenceKind) {
  return useQuery({ queryKey: referenceKey(kind), queryFn: ({ signal }) => list(kind, signal) });
}

// The forms send what the server's schemas take; the server validates every field again.
/* eslint-disable @typescript-eslint/no-explicit-any */
async function create(kind: ReferenceKind, body: ReferenceValues): Promise<ReferenceRow> {
  switch (kind) {
    case 'streams':
      return unwrap(await api.POST('/api/v1/reference/streams', { body: body as any }));
    case 'filials':
      return unwrap(await api.POST('/api/v1/reference/filials', { body: body as any }));
    case 'push-event-types':
      return unwrap(await api.POST('/api/v1/reference/push-event-types', { body: body as any }));
    case 'channels':
      return unwrap(await api.POST('/api/v1/reference/channels', { body: body as any }));
  }
}

async function update(kind: ReferenceKind, code: string, body: ReferenceValues): Promise<ReferenceRow> {
  const params = { path: { code } };
  switch (kind) {
    case 'streams':
      return unwrap(await api.PATCH('/api/v1/reference/streams/{code}', { params, body: body as any }));
    case 'filials':
      return unwrap(await api.PATCH('/api/v1/reference/filials/{code}', { params, body: body as any }));
    case 'push-event-types':
      return unwrap(await api.PATCH('/api/v1/reference/push-event-types/{code}', { params, body: body as any }));
    case 'channels':
      return unwrap(await api.PATCH('/api/v1/reference/channels/{code}', { params, body: body as any }));
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function remove(kind: ReferenceKind, code: string): Promise<void> {
  const params = { path: { code } };
  const result =
    kind === 'streams'
      ? await api.DELETE('/api/v1/reference/streams/{code}', { params })
      : kind === 'filials'
        ? await api.DELETE('/api/v1/reference/filials/{code}', { params })
        : kind === 'push-event-types'
          ? await api.DELETE('/api/v1/reference/push-event-types/{code}', { params })
          : await api.DELETE('/api/v1/reference/channels/{code}', { params });
  // 204: no body to unwrap.
  if (!result.response.ok) throw toApiError(result.error, result.response);
}

/**
 * After a change: every reference query (the campaign forms' lists too), the builder's options
 * (they carry filials, push event types and channels) and the audit log.
 */
function useInvalidate() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['reference'] }),
      queryClient.invalidateQueries({ queryKey: ['audiences', 'options'] }),
      queryClient.invalidateQueries({ queryKey: ['audit'] }),
    ]);
}

export function useSaveReference(kind: ReferenceKind) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ code, body }: { code: string | null; body: ReferenceValues }) =>
      code === null ? create(kind, body) : update(kind, code, body),
    onSettled: invalidate,
  });
}

export function useDeleteReference(kind: ReferenceKind) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (code: string) => remove(kind, code), onSettled: invalidate });
}
