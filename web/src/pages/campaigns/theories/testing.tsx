/**
 * Tests only: campaign fixtures, the campaigns API as a mocked fetch, and the two pages rendered
 * alone in a router (a smaller tree than the whole app renders faster in jsdom).
 */
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProviders } from '../../../app/AppProviders';
import { session, type Role } from '../../../auth/session';
import { createQueryClient } from '../../../lib/queryClient';
import { mockFetch, type MockAnswer } from '../../../test/renderApp';
import { addDays, bankToday } from '../../../lib/dates';
import type { Campaign, CampaignStats, CampaignSummary, Dashboard, ExperimentArms, SplitResult, Stream } from './api';
import { CampaignDetailPage } from './CampaignDetailPage';
import { TheoriesPage } from './TheoriesPage';

export const STREAMS: Stream[] = [
  { code: 'market', name_ru: 'Маркет', name_kz: 'Маркет', campaign_type: 'RB1', enabled: true, sort_order: 1 },
  { code: 'travel', name_ru: 'Путешествия', name_kz: 'Саяхат', campaign_type: 'RB1', enabled: true, sort_order: 3 },
  { code: 'bzk', name_ru: 'БЗК', name_kz: 'БЗК', campaign_type: 'RB3', enabled: true, sort_order: 1 },
];

export function summary(extra: Partial<CampaignSummary> = {}): CampaignSummary {
  return {
    code: 'C000000101',
    type: 'RB1',
    xls_ow_id: null,
    name: 'Кэшбэк на АЗС',
    description: 'Осенняя акция для владельцев карт',
    stream: 'market',
    channels: ['push', 'sms'],
    status: 'active',
    effective_status: 'active',
    owner: 'test-analyst',
    start_date: '2025-03-01',
    end_date: '2025-03-31',
    target_count: 90000,
    control_count: 10000,
    created_at: '2025-02-20T08:00:00Z',
    updated_at: '2025-02-28T09:00:00Z',
    deployed_at: '2025-02-28T09:00:00Z',
    ...extra,
  };
}

export const CAMPAIGNS: CampaignSummary[] = [
  summary(),
  summary({
    code: 'C000000102',
    type: 'RB3',
    xls_ow_id: 'KKB_0007',
    name: 'Бонус за кредит',
    description: null,
    stream: 'bzk',
    channels: ['popup'],
    status: 'draft',
    effective_status: 'draft',
    owner: 'bob',
    target_count: 5000,
    control_count: 500,
    deployed_at: null,
  }),
];

export const SPLIT: SplitResult = {
  target: 90000,
  control: 10000,
  control_share: 0.1,
  observed_control_share: 0.1,
  chi2: 0.01,
  srm_p_value: 0.92,
  mismatch: false,
  source: 'tables',
};

export function campaign(extra: Partial<Campaign> = {}): Campaign {
  return {
    ...summary(),
    texts: {
      ru: { title: 'Кэшбэк 10%', body: 'Заправляйтесь с картой и получайте кэшбэк' },
      kz: { title: '10% кэшбэк', body: 'Картамен жанармай құйып, кэшбэк алыңыз' },
    },
    deep_link: 'bank://cashback/azs',
    product_code: 'CARD_GOLD',
    audience_id: 'a1',
    audience_spec: null,
    control_share: 0.1,
    split_seed: 42,
    push_event_type: null,
    pool_share: false,
    cost_per_contact: null,
    rb3: null,
    popup: null,
    copied_from: null,
    deploy_job_id: null,
    split: SPLIT,
    sms_segments: { ru: { encoding: 'ucs2', characters: 41, segments: 1, per_segment: 70 } },
    warnings: [],
    allowed_statuses: ['finished'],
    can_edit: true,
    ...extra,
  };
}

/**
 * An A/B/n experiment led by C000000101 (arm A) with arm B (C000000103) and arm C (C000000104);
 * `codes` null for an arm leaves it without a campaign (a lead whose arms are to be created).
 */
export function experimentArms(
  { b = 'C000000103', c = 'C000000104', status = 'draft' }: { b?: string | null; c?: string | null; status?: 'draft' | 'deployed' } = {},
): ExperimentArms {
  const arm = (group: number, name: string, code: string | null, channels: string[], target: number) => ({
    group,
    name,
    code,
    campaign_name: code ? (group === 1 ? 'Кэшбэк на АЗС' : `Кэшбэк на АЗС · ${name}`) : null,
    status: code ? status : null,
    effective_status: code ? (status === 'deployed' ? ('scheduled' as const) : status) : null,
    channels: code ? channels : [],
    target_count: target,
  });
  return {
    lead: 'C000000101',
    control_count: 20000,
    arms: [arm(1, 'A', 'C000000101', ['push', 'sms'], 27000), arm(2, 'B', b, ['popup'], 26500), arm(3, 'C', c, ['sms'], 26500)],
    complete: b !== null && c !== null,
  };
}

export function stats(extra: Partial<CampaignStats> = {}): CampaignStats {
  return {
    code: 'C000000101',
    status: 'active',
    effective_status: 'active',
    groups: { target: 90000, control: 10000 },
    channels: { push: 81000, sms: 70000 },
    contacts_per_day: [
      { day: '2025-03-01', channel: 'push', count: 81000 },
      { day: '2025-03-01', channel: 'sms', count: 70000 },
    ],
    dropouts: {
      push: { eligible: 81000, dropped: 9000, reasons: { no_p_sid: 6000, push_disabled: 3000 } },
      sms: { eligible: 70000, dropped: 20000, reasons: { no_valid_phone: 20000 } },
    },
    split: SPLIT,
    history: [
      { occurred_at: '2025-02-20T08:00:00Z', username: 'test-analyst', kind: 'created', detail: null },
      {
        occurred_at: '2025-02-28T09:00:00Z',
        username: 'test-analyst',
        kind: 'deployed',
        detail: { target: 90000, control: 10000 },
      },
      {
        occurred_at: '2025-03-01T06:00:00Z',
        username: 'test-admin',
        kind: 'status',
        detail: { from: 'deployed', to: 'active', reason: 'старт акции', rows_released: 0 },
      },
    ],
    ...extra,
  };
}

export function dashboard(): Dashboard {
  const today = bankToday();
  return {
    total: 3,
    by_status: { active: 1, draft: 1, deployed: 1 },
    by_effective_status: { active: 1, draft: 1, ended: 1 },
    by_type: { RB1: 2, RB3: 1 },
    by_stream: { market: 2, bzk: 1 },
    by_owner: { 'test-analyst': 2, bob: 1 },
    members_deployed_per_day: [],
    contacts_per_day: [
      { day: addDays(today, -2), count: 1500 },
      { day: addDays(today, 3), count: 700 },
    ],
    active_today: 1,
    members_in_active: 100000,
  };
}

export interface Call {
  method: string;
  url: URL;
  body: unknown;
}

type Routes = Record<string, (call: Call) => MockAnswer | Promise<MockAnswer>>;

/**
 * The backend: `METHOD /path` → answer (overriding the defaults: the list, dashboard, streams,
 * campaign C000000101 and its statistics). Every call to /api/v1/campaigns… is recorded.
 */
export function mockCampaignsApi(routes: Routes = {}) {
  const calls: Call[] = [];
  const defaults: Routes = {
    'GET /api/v1/campaigns': () => ({ body: { items: CAMPAIGNS, total: 45, limit: 20, offset: 0 } }),
    'GET /api/v1/campaigns/dashboard': () => ({ body: dashboard() }),
    'GET /api/v1/reference/streams': () => ({ body: { items: STREAMS, total: STREAMS.length } }),
    'GET /api/v1/campaigns/C000000101': () => ({ body: campaign() }),
    'GET /api/v1/campaigns/C000000101/stats': () => ({ body: stats() }),
  };
  const mock = mockFetch(async (url, request) => {
    const key = `${request.method} ${url.pathname}`;
    const route = routes[key] ?? defaults[key];
    if (url.pathname.startsWith('/api/v1/campaigns')) {
      const text = request.method === 'GET' ? '' : await request.text();
      const call = { method: request.method, url, body: text ? (JSON.parse(text) as unknown) : null };
      calls.push(call);
      return route?.(call);
    }
    return route?.({ method: request.method, url, body: null });
  });
  return { calls, mock };
}

/** The list and detail pages in a router of their own, signed in with `as`. */
export function renderTheories(path: string, { as = 'analyst' }: { as?: Role } = {}) {
  session.signInForTests({ username: `test-${as}`, role: as, display_name: null });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Infinity } });
  const router = createMemoryRouter(
    [
      { path: '/campaigns', element: <TheoriesPage /> },
      { path: '/campaigns/new', element: <div data-testid="wizard" /> },
      { path: '/campaigns/:code', element: <CampaignDetailPage /> },
    ],
    { initialEntries: [path] },
  );
  const utils = render(
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...utils, router, queryClient };
}
