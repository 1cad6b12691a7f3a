import { useQuery } from '@tanstack/react-query';

import { api } from '../api/client';
import { toApiError } from '../api/errors';
import type { Health } from '../api/types';

function isHealth(body: unknown): body is Health {
  return Boolean(body && typeof body === 'object' && 'status' in body && 'warehouse' in body);
}

/**
 * GET /api/v1/health, polled every 30 s so the header notices when the server goes away.
 * A degraded server answers 503 with the same body: that is a status to show, not a failure.
 */
export function useHealth() {
  return useQuery({
    queryKey: ['health'],
    queryFn: async ({ signal }): Promise<Health> => {
      const { data, error, response } = await api.GET('/api/v1/health', { signal });
      if (data) return data;
      if (isHealth(error)) return error;
      throw toApiError(error, response);
    },
    refetchInterval: 30_000,
    retry: false,
  });
}
