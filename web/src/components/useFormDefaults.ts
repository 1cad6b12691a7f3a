import { useQuery } from '@tanstack/react-query';

import { api } from '../api/client';
import { unwrap } from '../api/errors';

/** GET /api/v1/settings/defaults: the values an admin set that forms start from. */
export function useFormDefaults() {
  return useQuery({
    queryKey: ['settings-defaults'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/settings/defaults', { signal })),
    staleTime: 60_000,
    retry: false,
  });
}
