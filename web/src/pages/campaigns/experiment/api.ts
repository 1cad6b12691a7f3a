import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { api } from '../../../api/client';
import { unwrap } from '../../../api/errors';

/** The outcomes an effect can be measured on (products built in, the catalog's outcomes). */
export function useOutcomes(enabled: boolean) {
  return useQuery({
    queryKey: ['campaigns', 'outcomes'],
    enabled,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/campaigns/outcomes', { signal })),
  });
}

export interface EffectRequest {
  code: string;
  outcome: string;
  days: number;
  cost: number | null;
}

export function useCampaignEffect(request: EffectRequest | null) {
  return useQuery({
    queryKey: ['campaigns', 'effect', request],
    enabled: request !== null,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async ({ signal }) => {
      const asked = request as EffectRequest;
      return unwrap(
        await api.GET('/api/v1/campaigns/{code}/effect', {
          params: {
            path: { code: asked.code },
            query: {
              outcome: asked.outcome,
              days: asked.days,
              ...(asked.cost !== null ? { cost_per_contact: asked.cost } : {}),
            },
          },
          signal,
        }),
      );
    },
  });
}

/** "Стратифицировать": the balance proof re-run on a deployed campaign's current members. */
export function useCurrentBalance(code: string, enabled: boolean) {
  return useQuery({
    queryKey: ['campaigns', 'balance', code],
    enabled,
    retry: false,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/campaigns/{code}/balance', { params: { path: { code } }, signal })),
  });
}
