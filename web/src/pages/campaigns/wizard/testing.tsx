/**
 * Tests only: the campaigns API as a mocked fetch, the wizard's page rendered alone in a router
 * (a smaller tree than the whole app renders faster in jsdom), and helpers that walk the steps.
 */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProviders } from '../../../app/AppProviders';
import { session } from '../../../auth/session';
import { createQueryClient } from '../../../lib/queryClient';
import { mockFetch, type MockAnswer } from '../../../test/renderApp';
import { CampaignNewPage } from '../CampaignNewPage';
import { optionsWith } from '../audience/testing';
import type { CampaignCreate, CampaignOut, DeployReport, SplitResult, Stream } from './types';

// user-event's pointer-events check calls getComputedStyle up the tree: slow under antd's styles.
export const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

export const AUDIENCE = {
  id: 'a1',
  name: 'Путешественники',
  size: 10_000,
  owner: 'test-analyst',
  reference_date: '2026-11-28',
  created_at: '2026-11-28T09:00:00Z',
};

export const STREAMS: Stream[] = [
  { code: 'travel', campaign_type: 'RB1', name_ru: 'Путешествия', name_kz: 'Саяхат', sort_order: 3, enabled: true },
  { code: 'market', campaign_type: 'RB1', name_ru: 'Маркет', name_kz: 'Маркет', sort_order: 1, enabled: true },
  { code: 'old', campaign_type: 'RB1', name_ru: 'Архивный', name_kz: 'Архив', sort_order: 9, enabled: false },
  { code: 'bzk', campaign_type: 'RB3', name_ru: 'БЗК', name_kz: 'БЗК', sort_order: 1, enabled: true },
];

/** The builder is not what these tests are about: without a feature store it stays out of the way. */
const OPTIONS = optionsWith({
  feature_store: { loaded: false, customers: 0, columns: [] },
  suppression_lists: [],
  default_spec: { version: 1, reference_date: '2026-11-28', source: { kind: 'feature_store' }, filters: [], rank: null },
});

/** The split the server would answer: the share of 10 000, and p = 0.42 (or a mismatch, p = 2e-5, for seed 13). */
export function splitOf(share: number, seed: number): SplitResult {
  const control = Math.round(AUDIENCE.size * share);
  const mismatch = seed === 13;
  return {
    target: AUDIENCE.size - control,
    control,
    control_share: share,
    observed_control_share: control / AUDIENCE.size,
    chi2: mismatch ? 14.2 : 0.65,
    srm_p_value: mismatch ? 0.00002 : 0.42,
    mismatch,
    source: 'audience',
  };
}

export function campaignOf(body: CampaignCreate, code = 'C000000042', updated = '2026-11-30T10:00:00Z'): CampaignOut {
  const split = splitOf(body.control_share, body.split_seed ?? 1);
  return {
    code,
    type: body.type,
    xls_ow_id: body.type === 'RB3' ? 'KKB_0007' : null,
    name: body.name,
    description: body.description ?? null,
    stream: body.stream,
    channels: body.channels,
    status: 'draft',
    effective_status: 'draft',
    owner: 'test-analyst',
    start_date: body.start_date,
    end_date: body.end_date,
    target_count: split.target,
    control_count: split.control,
    created_at: '2026-11-30T10:00:00Z',
    updated_at: updated,
    deployed_at: null,
    texts: body.texts ?? { ru: null, kz: null },
    deep_link: body.deep_link ?? null,
    product_code: body.product_code ?? null,
    audience_id: body.audience_id,
    audience_spec: null,
    control_share: body.control_share,
    split_seed: body.split_seed ?? 1,
    push_event_type: body.push_event_type ?? null,
    pool_share: body.pool_share ?? false,
    cost_per_contact: body.cost_per_contact ?? null,
    rb3: null,
    popup: body.popup ?? null,
    copied_from: null,
    deploy_job_id: null,
    split,
    sms_segments: {},
    warnings: [],
    allowed_statuses: ['cancelled'],
    can_edit: true,
  };
}

export const DRY_RUN: DeployReport = {
  code: 'C000000042',
  dry_run: true,
  target: 9_000,
  control: 1_000,
  split: splitOf(0.1, 7),
  tables: {
    mb01_camp_dict: 1,
    rb3_tr_campaign_dict: 0,
    fd_rb2_campaigns_users: 8_200,
    mb22_local_target: 9_000,
    mb21_local_control: 1_000,
    off_limit_campaigns_users: 8_200,
    fd_rb2_pop_up_campaign: 0,
  },
  channels: {
    push: { eligible: 5_000, dropped: 4_000, reasons: { no_p_sid: 2_500, push_disabled: 1_200, not_in_feature_store: 300 } },
    sms: { eligible: 3_200, dropped: 5_800, reasons: { no_valid_phone: 5_500, not_in_feature_store: 300 } },
  },
  warnings: [
    {
      code: 'notice.campaign.channel_dropouts',
      message: 'sms: 5800 of 9000 targets drop out',
      params: { channel: 'sms', dropped: 5800, total: 9000 },
    },
  ],
  seconds: 0.42,
};

type Handler = (request: Request, body: unknown) => MockAnswer | Promise<MockAnswer> | undefined;

export interface Backend {
  fetch: ReturnType<typeof mockFetch>;
  /** Every request as `METHOD /path?query`, with its JSON body (if any). */
  calls: { key: string; body: unknown }[];
}

/** The API the wizard talks to; `overrides` answer first (returning undefined falls through). */
export function mockBackend(overrides: Record<string, Handler> = {}): Backend {
  const calls: Backend['calls'] = [];
  let saved: CampaignOut | null = null;
  let version = 0;
  const fetch = mockFetch(async (url, request) => {
    const path = `${request.method} ${url.pathname}`;
    const text = request.method === 'GET' ? '' : await request.clone().text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    calls.push({ key: `${path}${url.search}`, body });
    const override = overrides[path] ?? overrides[`${path}${url.search}`];
    if (override) {
      const answer = await override(request, body);
      if (answer) return answer;
    }
    switch (path) {
      case 'GET /api/v1/audiences/options':
        return { body: OPTIONS };
      case 'GET /api/v1/audiences':
        return { body: { items: [AUDIENCE], total: 1, limit: 200, offset: 0 } };
      case 'GET /api/v1/reference/streams': {
        const type = url.searchParams.get('campaign_type');
        const items = STREAMS.filter((s) => !type || s.campaign_type === type);
        return { body: { items, total: items.length } };
      }
      case 'GET /api/v1/reference/push-event-types':
        return {
          body: {
            items: [{ code: 'cashback', name_ru: 'Кешбэк', name_kz: 'Кешбэк', description_ru: null, enabled: true }],
            total: 1,
          },
        };
      case 'POST /api/v1/campaigns/split-preview': {
        const asked = body as { control_share: number; split_seed: number };
        return { body: splitOf(asked.control_share, asked.split_seed) };
      }
      case 'POST /api/v1/campaigns':
        version += 1;
        saved = campaignOf(body as CampaignCreate, 'C000000042', `2026-11-30T10:00:0${version}Z`);
        return { status: 201, body: saved };
      case 'PATCH /api/v1/campaigns/C000000042':
        version += 1;
        saved = campaignOf(
          { ...(body as CampaignCreate), type: saved?.type ?? 'RB1' },
          'C000000042',
          `2026-11-30T10:00:0${version}Z`,
        );
        return { body: saved };
      case 'POST /api/v1/campaigns/C000000042/deploy':
        if (url.searchParams.get('dry_run') === 'true') return { body: DRY_RUN };
        return { body: { ...DRY_RUN, dry_run: false } };
      default:
        return undefined;
    }
  });
  return { fetch, calls };
}

/** The new-campaign page alone, with a stand-in for the campaign page the result links to. */
export function renderWizard(path = '/campaigns/new') {
  session.signInForTests({ username: 'test-analyst', role: 'analyst', display_name: null });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Infinity } });
  const router = createMemoryRouter(
    [
      { path: '/campaigns/new', element: <CampaignNewPage /> },
      { path: '/campaigns/:code', element: <p data-testid="campaign-page">campaign page</p> },
    ],
    { initialEntries: [path] },
  );
  render(
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { router };
}

type User = ReturnType<typeof setup>;

export async function chooseOption(user: User, control: HTMLElement, title: string) {
  await user.click(control);
  await user.click(await screen.findByTitle(title));
}

/** Step 1: the saved audience from the list, then on to the split. */
export async function toSplit(user: User) {
  renderWizard();
  const pick = await screen.findByLabelText('Готовая аудитория');
  // The title's thin space is a plain one to the default text normalizer.
  await chooseOption(user, pick, 'Путешественники · 10 000');
  expect(await screen.findByTestId('chosen-audience')).toHaveAttribute('data-id', 'a1');
  await user.click(screen.getByTestId('wizard-next'));
  await screen.findByTestId('split-preview');
}

export async function toDetails(user: User) {
  await toSplit(user);
  await user.click(screen.getByTestId('wizard-next'));
  await screen.findByTestId('details-name');
}

export async function paste(user: User, element: HTMLElement, text: string) {
  await user.click(element);
  await user.paste(text);
}

/** A valid RB1 push + SMS campaign, typed in. */
export async function fillDetails(user: User) {
  await paste(user, screen.getByTestId('details-name'), 'Кешбэк на путешествия');
  await chooseOption(user, screen.getByLabelText(/^Поток/), 'Путешествия (travel)');
  await user.click(screen.getByRole('checkbox', { name: 'SMS' }));
  await paste(user, screen.getByTestId('details-title-ru'), 'Кешбэк 5 %');
  await paste(user, screen.getByTestId('details-body-ru'), 'Оплачивайте билеты картой');
  await user.click(screen.getByTestId('texts-tab-kz'));
  await paste(user, screen.getByTestId('details-title-kz'), '5 % кешбэк');
  await paste(user, screen.getByTestId('details-body-kz'), 'Билеттерді картамен төлеңіз');
}

export async function toReview(user: User) {
  await toDetails(user);
  await fillDetails(user);
  await user.click(screen.getByTestId('wizard-next'));
  await screen.findByTestId('review-code');
}
