import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import type { components } from '../../api/schema';

export type SettingsOut = components['schemas']['SettingsOut'];
export type RuntimeSettings = components['schemas']['RuntimeSettings'];
export type SettingsUpdate = components['schemas']['SettingsUpdate'];
export type SettingKey = keyof RuntimeSettings;

const KEY = ['admin-settings'] as const;

export function useRuntimeSettings() {
  return useQuery({
    queryKey: KEY,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/admin/settings', { signal })),
  });
}

/** PUT /api/v1/admin/settings; the answer is the new state, and the audit log has a row more. */
export function useSaveSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SettingsUpdate) => unwrap(await api.PUT('/api/v1/admin/settings', { body })),
    onSuccess: (data) => queryClient.setQueryData(KEY, data),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['audit'] }),
  });
}

/** The values of `next` that differ from `current`: what a save sends. */
export function changedValues(current: RuntimeSettings, next: RuntimeSettings): SettingsUpdate {
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(next) as SettingKey[]) {
    if (JSON.stringify(current[key]) !== JSON.stringify(next[key])) body[key] = next[key];
  }
  return body as SettingsUpdate;
}
