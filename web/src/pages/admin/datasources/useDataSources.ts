import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../api/client';
import { ApiError, apiErrorOf, toApiError, unwrap } from '../../../api/errors';
import type { components } from '../../../api/schema';
import { followJob, STATUS_OF_JOB_ERROR, type Job } from '../../../lib/jobs';

export type DataSource = components['schemas']['DataSourceOut'];
export type SourceDataset = components['schemas']['SourceDatasetOut'];
export type SourceDatasetCreate = components['schemas']['SourceDatasetCreate'];
export type ConnectionTest = components['schemas']['ConnectionTestOut'];

const SOURCES_KEY = ['data-sources', 'sources'] as const;
const DATASETS_KEY = ['data-sources', 'datasets'] as const;

export function useSources() {
  return useQuery({ queryKey: SOURCES_KEY, queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/data-sources', { signal })).items });
}

export function useSourceDatasets() {
  return useQuery({
    queryKey: DATASETS_KEY,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/data-sources/datasets', { signal })).items,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['data-sources'] }),
      queryClient.invalidateQueries({ queryKey: ['datasets'] }),
      queryClient.invalidateQueries({ queryKey: ['audiences', 'options'] }),
      queryClient.invalidateQueries({ queryKey: ['audit'] }),
    ]);
}

export function useCreateSource() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: { name: string; url: string }) => unwrap(await api.POST('/api/v1/data-sources', { body })),
    onSettled: invalidate,
  });
}

export function useUpdateSource() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ id, ...body }: { id: string; name?: string; url?: string }) =>
      unwrap(await api.PATCH('/api/v1/data-sources/{source_id}', { params: { path: { source_id: id } }, body })),
    onSettled: invalidate,
  });
}

export function useDeleteSource() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (sourceId: string) => {
      const { response, error } = await api.DELETE('/api/v1/data-sources/{source_id}', { params: { path: { source_id: sourceId } } });
      if (!response.ok) throw toApiError(error, response);
    },
    onSettled: invalidate,
  });
}

export function useTestSource() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (sourceId: string): Promise<ConnectionTest> =>
      unwrap(await api.POST('/api/v1/data-sources/{source_id}/test', { params: { path: { source_id: sourceId } } })),
    onSettled: invalidate,
  });
}

export function useCreateSourceDataset() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: SourceDatasetCreate) => unwrap(await api.POST('/api/v1/data-sources/datasets', { body })),
    onSettled: invalidate,
  });
}

export function useUpdateSchedule() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ dataset, schedule }: { dataset: string; schedule: string }) =>
      unwrap(await api.PATCH('/api/v1/data-sources/datasets/{dataset}', { params: { path: { dataset } }, body: { schedule } })),
    onSettled: invalidate,
  });
}

export function useDeleteSourceDataset() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (dataset: string) => {
      const { response, error } = await api.DELETE('/api/v1/data-sources/datasets/{dataset}', { params: { path: { dataset } } });
      if (!response.ok) throw toApiError(error, response);
    },
    onSettled: invalidate,
  });
}

function jobError(job: Job): ApiError {
  const body = job.result;
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
    const errorClass = (body as { error: string }).error;
    return apiErrorOf(body, STATUS_OF_JOB_ERROR[errorClass] ?? 500, job.error ?? errorClass);
  }
  return new ApiError(job.error ?? 'the refresh job failed', 500, 'JobFailed');
}

/** Refresh now: starts the job and follows it to its end; a failed job throws its error. */
export function useRefreshSourceDataset(onProgress?: (job: Job) => void) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (dataset: string) => {
      const accepted = unwrap(await api.POST('/api/v1/data-sources/datasets/{dataset}/refresh', { params: { path: { dataset } } }));
      const job = await followJob(accepted.job_id, { onProgress });
      if (job.status === 'failed') throw jobError(job);
      return job;
    },
    onSettled: invalidate,
  });
}
