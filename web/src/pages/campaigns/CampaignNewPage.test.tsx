import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp, type MockAnswer } from '../../test/renderApp';
import { DEFAULT_SPEC, keep, n, optionsWith, slow } from './audience/testing';
import type { AudienceSpec, Preview, SpecFilter } from './audience/types';

// jsdom has no layout and no canvas for ECharts to draw with: a chart is its accessible name here.
vi.mock('../../components/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const OPTIONS = optionsWith({
  feature_store: { loaded: true, customers: 20_000, columns: ['iin', 'birth_date', 'gender', 'score_credit'] },
  suppression_lists: [
    ...optionsWith().suppression_lists,
    { name: 'employees', category: 'blacklist', description: 'Сотрудники банка', row_count: 200, purpose: null, default: false },
  ],
  products: [{ code: 'credit_card', rows: 1_608 }],
  score_columns: ['score_credit'],
  streams: [{ code: 'travel', campaign_type: 'RB1', name_ru: 'Путешествия', name_kz: 'Саяхат', sort_order: 3, enabled: true }],
  filials: [{ code: '01', name_ru: 'Алматинский филиал', name_kz: 'Алматы филиалы', region: 'г. Алматы', is_big_city: true, enabled: true }],
  channels: [{ code: 'sms', name_ru: 'SMS', name_kz: 'SMS', enabled: true }],
});

/** A funnel the test can predict: 20 000 customers, the global control group removes 1 012, every other filter 1 000. */
function previewOf(spec: AudienceSpec): Preview {
  let remaining = 20_000;
  const funnel: Preview['funnel'] = [
    { step: 0, kind: 'source', code: 'funnel.source.feature_store', params: {}, removed: 0, remaining, filter_index: null },
  ];
  (spec.filters ?? []).forEach((filter: SpecFilter, index) => {
    const removed = filter.kind === 'suppression' && filter.list === 'global_control' ? 1_012 : 1_000;
    remaining -= removed;
    funnel.push({ step: index + 1, kind: filter.kind, code: 'funnel.step.legacy', params: { label: `server label ${index}` }, removed, remaining, filter_index: index });
  });
  return {
    reference_date: '2026-11-28',
    funnel,
    size: remaining,
    sample: [{ iin: '900101400017', age: 35, gender: 'F', filial: '01', device: 'ios', mau: true, score: null }],
    distributions: { age: [{ key: '35-44', count: remaining }], gender: [], filial: [], device: [] },
    warnings: [],
    elapsed_ms: 12,
  };
}

interface Backend {
  previews: AudienceSpec[];
  requests: Request[];
  fetch: ReturnType<typeof mockFetch>;
}

type Handler = (request: Request, body: unknown) => MockAnswer | Promise<MockAnswer> | undefined;

function mockBackend(overrides: Record<string, Handler> = {}): Backend {
  const previews: AudienceSpec[] = [];
  const requests: Request[] = [];
  const fetch = mockFetch(async (url, request) => {
    const key = `${request.method} ${url.pathname}`;
    const body: unknown = request.method === 'POST' ? await request.clone().json() : undefined;
    requests.push(request);
    if (key === 'POST /api/v1/audiences/preview') previews.push((body as { spec: AudienceSpec }).spec);
    const override = overrides[key];
    if (override) {
      const answer = await override(request, body);
      if (answer) return answer;
    }
    switch (key) {
      case 'GET /api/v1/health':
        return { body: { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } } };
      case 'GET /api/v1/audiences/options':
        return { body: OPTIONS };
      case 'GET /api/v1/uploads':
        return { body: { items: [], total: 0, limit: 200, offset: 0 } };
      case 'GET /api/v1/audiences':
        return { body: { items: [], total: 0, limit: 200, offset: 0 } };
      case 'POST /api/v1/audiences/preview':
        return { body: previewOf((body as { spec: AudienceSpec }).spec) };
      default:
        return undefined;
    }
  });
  return { previews, requests, fetch };
}

async function addFilter(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(screen.getByLabelText('Добавить фильтр'));
  await user.click(await screen.findByTitle(name));
}

async function openBuilder() {
  renderApp('/campaigns/new', { as: 'analyst' });
  const size = await screen.findByTestId('audience-size', {}, { timeout: 15_000 });
  await waitFor(() => expect(screen.getByTestId('funnel')).toHaveAttribute('data-fresh', 'true'), slow);
  return size;
}

describe('Campaign Manager: the audience builder', { timeout: 60_000 }, () => {
  it('shows the funnel of the default spec with exact numbers, the global control group excluded', async () => {
    const backend = mockBackend();
    const size = await openBuilder();

    expect(size).toHaveTextContent(n('18 988'), keep);
    expect(screen.getByTestId('global-control')).toHaveTextContent('Глобальная контрольная группа исключена');
    const steps = screen.getAllByTestId('funnel-step');
    expect(steps).toHaveLength(2);
    expect(within(steps[0] as HTMLElement).getByText('Все клиенты (витрина признаков)')).toBeInTheDocument();
    expect(within(steps[0] as HTMLElement).getByTestId('step-remaining')).toHaveTextContent(n('20 000'), keep);
    // The client names the step from the spec (the list's name), not from the server's step code.
    expect(within(steps[1] as HTMLElement).getByText('Глобальная контрольная группа')).toBeInTheDocument();
    expect(within(steps[1] as HTMLElement).getByTestId('step-removed')).toHaveTextContent(`−${n('1 012')}`, keep);
    expect(within(steps[1] as HTMLElement).getByTestId('step-remaining')).toHaveTextContent(n('18 988'), keep);
    expect(screen.getByText('94,9 % от источника')).toBeInTheDocument();
    // The profile of the audience, with its numbers in words for screen readers.
    expect(await screen.findByRole('img', { name: `Возраст: 35-44 — ${n('18 988')}` }, slow)).toBeInTheDocument();
    // The audience is the first step of the campaign wizard; the next ones wait for a saved audience.
    expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'audience');
    expect(screen.queryByTestId('chosen-audience')).not.toBeInTheDocument();

    expect(backend.previews).toEqual([DEFAULT_SPEC]);
  });

  it('makes the audience saved here the campaign audience, and goes on to the split', async () => {
    const backend = mockBackend({
      'POST /api/v1/audiences': (_request, body) => {
        const { name, spec } = body as { name: string; spec: AudienceSpec };
        return {
          status: 201,
          body: {
            id: 'aud-1',
            name,
            owner: 'test-analyst',
            reference_date: '2026-11-28',
            created_at: '2026-11-30T09:00:00Z',
            size: 18_988,
            spec,
            funnel: previewOf(spec).funnel,
          },
        };
      },
      'POST /api/v1/campaigns/split-preview': () => ({
        body: {
          target: 17_089,
          control: 1_899,
          control_share: 0.1,
          observed_control_share: 0.1,
          chi2: 0.01,
          srm_p_value: 0.93,
          mismatch: false,
          source: 'audience',
        },
      }),
    });
    const user = userEvent.setup();
    await openBuilder();

    // Without an audience the wizard does not go on, and says why.
    await user.click(screen.getByTestId('wizard-next'));
    expect(await screen.findByTestId('audience-required')).toHaveTextContent('Сначала выберите или сохраните аудиторию кампании.');

    await user.type(screen.getByLabelText('Название аудитории'), 'Зарплатные клиенты');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    const chosen = await screen.findByTestId('chosen-audience', {}, slow);
    expect(chosen).toHaveAttribute('data-id', 'aud-1');
    expect(chosen).toHaveTextContent(`Аудитория кампании: «Зарплатные клиенты», клиентов: ${n('18 988')}`, keep);
    expect(screen.queryByTestId('audience-required')).not.toBeInTheDocument();

    // On to the split from up here, without scrolling past the builder; the wizard's own Next stays one.
    const onward = within(chosen).getByTestId('audience-next');
    expect(onward).toHaveTextContent('Далее: разделение');
    expect(screen.getAllByTestId('wizard-next')).toHaveLength(1);
    await user.click(onward);
    await waitFor(() => expect(screen.getByTestId('split-control')).toHaveTextContent(n('1 899'), keep), slow);
    const split = backend.requests.find((r) => r.url.endsWith('/api/v1/campaigns/split-preview'));
    expect(await split?.json()).toMatchObject({ audience_id: 'aud-1', control_share: 0.1 });

    // Back on the audience step, the builder is as it was left.
    await user.click(screen.getByTestId('wizard-back'));
    expect(screen.getByTestId('audience-size')).toHaveTextContent(n('18 988'), keep);
    expect(screen.getByTestId('saved-audience')).toHaveAttribute('data-id', 'aud-1');
  });

  it('sends one debounced preview with the new spec after a filter changes, cancelling the stale one', async () => {
    let stale: Request | undefined;
    const backend = mockBackend({
      // The preview of "age up to 4" hangs until it is cancelled.
      'POST /api/v1/audiences/preview': (request, body) => {
        const filters = (body as { spec: AudienceSpec }).spec.filters ?? [];
        if (!filters.some((f) => f.kind === 'age' && f.max === 4)) return undefined;
        stale = request;
        return new Promise<MockAnswer>((_, reject) =>
          request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      },
    });
    const user = userEvent.setup();
    await openBuilder();
    expect(backend.previews).toHaveLength(1);

    await addFilter(user, 'Возраст');
    // The keyboard moves to the new filter; with nothing set yet it does not change the spec: no request.
    const min = await screen.findByLabelText('Возраст от');
    const max = screen.getByLabelText('Возраст до');
    expect(min).toHaveFocus();
    expect(await screen.findByText('Не задан — шаг пока не применяется')).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(backend.previews).toHaveLength(1);

    // Two changes in quick succession (no timer can run between them): one request, for the last value.
    fireEvent.change(min, { target: { value: '2' } });
    fireEvent.change(min, { target: { value: '25' } });
    await waitFor(() => expect(backend.previews).toHaveLength(2), slow);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(backend.previews).toHaveLength(2);
    expect(backend.previews[1]?.filters).toEqual([
      { kind: 'suppression', list: 'global_control' },
      { kind: 'age', min: 25, max: null },
    ]);
    await waitFor(() => expect(screen.getByTestId('audience-size')).toHaveTextContent(n('17 988'), keep), slow);
    expect(screen.getByText('Возраст от 25')).toBeInTheDocument();

    // A request whose spec is no longer on screen is cancelled.
    await user.type(max, '4');
    await waitFor(() => expect(stale).toBeDefined(), slow);
    await user.type(max, '5');
    await waitFor(() => expect(stale?.signal.aborted).toBe(true), slow);
    await waitFor(() => expect(backend.previews.at(-1)?.filters?.[1]).toEqual({ kind: 'age', min: 25, max: 45 }), slow);
    await waitFor(() => expect(screen.getByTestId('funnel')).toHaveAttribute('data-fresh', 'true'), slow);
    expect(screen.getByText('Возраст 25–45')).toBeInTheDocument();
  });

  it('shows a 422 on the filter it names', async () => {
    mockBackend({
      'POST /api/v1/audiences/preview': (_request, body) => {
        const filters = (body as { spec: AudienceSpec }).spec.filters ?? [];
        if (!filters.some((f) => f.kind === 'age')) return undefined;
        return {
          status: 422,
          body: {
            error: 'InvalidInput',
            code: 'validation.failed',
            detail: 'spec.filters.1.age: age min 50 is above max 20',
            params: {},
            errors: [
              {
                field: 'spec.filters.1.age',
                code: 'audience.filter.age.min_above_max',
                params: { min: 50, max: 20 },
                message: 'age min 50 is above max 20',
              },
            ],
          },
        };
      },
    });
    const user = userEvent.setup();
    await openBuilder();
    await addFilter(user, 'Возраст');
    await user.type(screen.getByLabelText('Возраст от'), '50');

    const card = screen.getAllByTestId('filter-card').find((c) => c.dataset.kind === 'age') as HTMLElement;
    expect(await within(card).findByTestId('filter-error')).toHaveTextContent(
      'Минимальный возраст 50 больше максимального 20.',
    );
    expect(screen.getByTestId('funnel-error')).toHaveTextContent('Воронку не удалось посчитать');
    // Nothing is saved from a spec the server refused.
    expect(screen.getByRole('button', { name: 'Сохранить' })).toBeDisabled();
  });

  it('explains which steps remove an IIN', async () => {
    const backend = mockBackend({
      'POST /api/v1/audiences/explain': () => ({
        body: {
          iin: '900101400017',
          in_audience: false,
          in_source: true,
          removed_by: [
            { step: 1, kind: 'suppression', code: 'funnel.step.list', params: { list: 'global_control', name: 'global_control' }, filter_index: 0 },
            { step: 2, kind: 'suppression', code: 'funnel.step.list', params: { list: 'employees', name: 'employees' }, filter_index: 1 },
          ],
          first_removed_by: { step: 1, kind: 'suppression', code: 'funnel.step.list', params: { list: 'global_control', name: 'global_control' }, filter_index: 0 },
          in_snapshot: null,
        },
      }),
    });
    const user = userEvent.setup();
    await openBuilder();
    await addFilter(user, 'Стоп-листы');
    await user.click(screen.getByRole('checkbox', { name: /Сотрудники банка/ }));
    await waitFor(() => expect(backend.previews).toHaveLength(2), slow);

    await user.type(screen.getByLabelText('ИИН'), '900101400017{Enter}');

    const result = await screen.findByTestId('explain-result');
    expect(result).toHaveTextContent('ИИН 900101400017 не входит в аудиторию.');
    const steps = within(result).getAllByRole('listitem');
    expect(steps.map((s) => s.textContent)).toEqual([
      '1. Глобальная контрольная группа (в воронке учтён здесь)',
      '2. Стоп-лист: Сотрудники банка',
    ]);
    const explain = backend.requests.find((r) => r.url.endsWith('/api/v1/audiences/explain'));
    expect(await explain?.json()).toEqual({
      iin: '900101400017',
      spec: { ...DEFAULT_SPEC, filters: [...(DEFAULT_SPEC.filters ?? []), { kind: 'suppression', list: 'employees' }] },
    });
  });
});
