import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import type { components, operations } from '../../api/schema';
import { formatNumber } from '../../lib/format';

export type Tiles = components['schemas']['Tiles'];
export type RouteStats = components['schemas']['RouteStats'];
export type QueryRow = components['schemas']['QueryLogItem'];
export type JobRow = components['schemas']['JobHistoryItem'];
export type DailyPoint = components['schemas']['DailyPoint'];
export type DependencyCheck = components['schemas']['DependencyCheck'];
export type JobsQuery = NonNullable<operations['monitoring_jobs_api_v1_monitoring_jobs_get']['parameters']['query']>;
export type JobStatus = NonNullable<JobsQuery['status']>;

export const JOB_STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed'];

/** How often the page refreshes itself while auto-refresh is on. */
export const REFRESH_MS = 30_000;

const every = (auto: boolean) => (auto ? REFRESH_MS : false);

export function useTiles(auto: boolean) {
  return useQuery({
    queryKey: ['monitoring', 'tiles'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/monitoring/tiles', { signal })),
    refetchInterval: every(auto),
  });
}

export function useRouteStats(hours: number, auto: boolean) {
  return useQuery({
    queryKey: ['monitoring', 'routes', hours],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/monitoring/routes', { params: { query: { hours } }, signal })),
    refetchInterval: every(auto),
    placeholderData: keepPreviousData,
  });
}

export function useSlowQueries(days: number, kind: string | undefined, auto: boolean) {
  return useQuery({
    queryKey: ['monitoring', 'queries', days, kind],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/monitoring/queries', { params: { query: { days, kind, limit: 50 } }, signal })),
    refetchInterval: every(auto),
    placeholderData: keepPreviousData,
  });
}

export function useQueryKinds() {
  return useQuery({
    queryKey: ['monitoring', 'query-kinds'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/monitoring/query-kinds', { signal })),
  });
}

export function useJobs(query: JobsQuery, auto: boolean) {
  return useQuery({
    queryKey: ['monitoring', 'jobs', query],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/monitoring/jobs', { params: { query }, signal })),
    refetchInterval: every(auto),
    placeholderData: keepPreviousData,
  });
}

export function useDaily(days: number, auto: boolean) {
  return useQuery({
    queryKey: ['monitoring', 'daily', days],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/monitoring/daily', { params: { query: { days } }, signal })),
    refetchInterval: every(auto),
  });
}

/** Milliseconds as the page shows them: `850 мс`, `12,4 с`. */
export function formatMs(ms: number | null | undefined, language: string, units: { ms: string; s: string }): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${formatNumber(ms, language, ms < 10 ? 1 : 0)} ${units.ms}`;
  return `${formatNumber(ms / 1000, language, 1)} ${units.s}`;
}
