import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import type { components } from '../../api/schema';

export type DistributionOverview = components['schemas']['DistributionOverview'];
export type DistributionRun = components['schemas']['DistributionRunOut'];
export type DistributionReport = components['schemas']['DistributionReport'];

/** GET /api/v1/distributions: today's status, the next run and the history. */
export function useDistributions() {
  return useQuery({
    queryKey: ['distributions'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/distributions', { signal })),
  });
}

/** POST /api/v1/distributions (admin): a dry run, or the run itself; the history follows. */
export function useRunDistribution() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { day?: string; dry_run: boolean }) =>
      unwrap(await api.POST('/api/v1/distributions', { body })),
    onSuccess: (report) => {
      if (report.status !== 'dry_run') void client.invalidateQueries({ queryKey: ['distributions'] });
    },
  });
}
