import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';
import { unwrap } from '../../api/errors';

export function useDatasets() {
  return useQuery({
    queryKey: ['datasets'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/datasets', { signal })),
  });
}
