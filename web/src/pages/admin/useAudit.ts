import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';

import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import type { components, operations } from '../../api/schema';

export type AuditEntry = components['schemas']['AuditEntryOut'];
export type AuditQuery = NonNullable<operations['list_audit_api_v1_audit_get']['parameters']['query']>;
export type Outcome = NonNullable<AuditQuery['outcome']>;

export const OUTCOMES: Outcome[] = ['success', 'refused', 'failure'];

/** GET /api/v1/audit with filters and server-side paging; keeps the last page shown while the next loads. */
export function useAudit(query: AuditQuery) {
  return useQuery({
    queryKey: ['audit', query],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/audit', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export interface AuditFilters {
  username: string;
  action: string;
  target: string;
  outcome: Outcome | undefined;
  /** Whole local days, either end open. */
  range: [Dayjs | null, Dayjs | null] | null;
}

export const NO_FILTERS: AuditFilters = { username: '', action: '', target: '', outcome: undefined, range: null };

/**
 * The API's query for the filters and page. Dates are local days sent as UTC instants: `since` is
 * the start of the first day, `until` (exclusive on the server) the start of the day after the last.
 */
export function auditQuery(filters: AuditFilters, page: number, pageSize: number): AuditQuery {
  const [from, to] = filters.range ?? [null, null];
  return {
    username: filters.username.trim() || undefined,
    action: filters.action.trim() || undefined,
    target: filters.target.trim() || undefined,
    outcome: filters.outcome,
    since: from ? from.startOf('day').toISOString() : undefined,
    until: to ? to.add(1, 'day').startOf('day').toISOString() : undefined,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  };
}

/**
 * The summary as compact JSON on one line — with a space after each top-level comma, so that a long
 * one wraps between entries rather than being cut; the tooltip has it indented.
 */
export function compactJson(summary: Record<string, unknown>): string {
  const entries = Object.entries(summary).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return `{${entries.join(', ')}}`;
}
