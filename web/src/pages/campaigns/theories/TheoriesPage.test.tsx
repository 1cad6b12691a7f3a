import { act, configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../../test/renderApp';
import { CAMPAIGNS, dashboard, mockCampaignsApi, renderTheories, STREAMS, summary, type Call } from './testing';

// jsdom has no layout for ECharts to draw in: a chart is its accessible name here.
vi.mock('../../../components/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} data-testid="echart" />,
}));

// Whole pages of antd render slowly in jsdom on a busy machine.
configure({ asyncUtilTimeout: 15_000 });

// user-event's pointer-events check calls getComputedStyle up the tree: slow under antd's styles.
const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

function listCalls(calls: Call[]): URLSearchParams[] {
  return calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/v1/campaigns').map((c) => c.url.searchParams);
}

function lastListQuery(calls: Call[]): URLSearchParams {
  const all = listCalls(calls);
  const last = all[all.length - 1];
  if (!last) throw new Error('GET /api/v1/campaigns was not called');
  return last;
}

async function rowOf(code: string) {
  const table = await screen.findByTestId('theories-table');
  return within((await within(table).findByText(code)).closest('tr') as HTMLElement);
}

describe('Active Theories: the list', { timeout: 60_000 }, () => {
  it('shows the dashboard and the campaigns, asking for the first page newest first', async () => {
    const { calls } = mockCampaignsApi();
    renderTheories('/campaigns');

    const first = await rowOf('C000000101');
    expect(first.getByText('Кэшбэк на АЗС')).toBeInTheDocument();
    expect(first.getByText('Маркет')).toBeInTheDocument();
    expect(first.getByText('Push')).toBeInTheDocument();
    expect(first.getByText('SMS')).toBeInTheDocument();
    expect(first.getByTestId('campaign-status')).toHaveTextContent('Активна');
    expect(first.getByTestId('campaign-status').className).toMatch(/green/);
    expect(first.getByText('01.03.2025 – 31.03.2025')).toBeInTheDocument();
    expect(first.getByTestId('campaign-members')).toHaveTextContent(`90 000 / 10 000`);
    expect(first.getByTestId('campaign-link')).toHaveAttribute('href', '/campaigns/C000000101');

    const second = await rowOf('C000000102');
    expect(second.getByText('KKB_0007')).toBeInTheDocument();
    expect(second.getByText('БЗК')).toBeInTheDocument();
    expect(second.getByText('POP-UP')).toBeInTheDocument();
    expect(second.getByTestId('campaign-status')).toHaveTextContent('Черновик');
    expect(second.getByText('RB3')).toBeInTheDocument();

    expect(await screen.findByText('Кампаний: 45')).toBeInTheDocument();
    expect(screen.getByTestId('dashboard-total')).toHaveTextContent('3');
    expect(screen.getByTestId('dashboard-active')).toHaveTextContent('1');
    expect(screen.getByTestId('dashboard-members')).toHaveTextContent(`100 000`);
    expect(screen.getByTestId('dashboard-status-ended')).toHaveTextContent('Срок истёк: 1');
    expect(within(screen.getByTestId('dashboard-statuses')).getByTestId('dashboard-separator')).toHaveTextContent('·');
    expect(screen.getByTestId('dashboard-contacts-past')).toHaveTextContent(`За 30 дн.: 1 500`);
    expect(screen.getByText(`Запланировано: 700`)).toBeInTheDocument();
    expect(screen.getByTestId('echart')).toHaveAccessibleName(/Контакты по дням за 30 дн\.: всего 2\s200/);

    const query = lastListQuery(calls);
    expect(Object.fromEntries(query)).toEqual({ sort: '-created_at', limit: '20', offset: '0' });
    expect(calls.some((c) => c.url.pathname === '/api/v1/campaigns/dashboard' && c.url.searchParams.get('days') === '30')).toBe(
      true,
    );
  });

  it('fits the table to the screen: the owner and the creation date only on wide ones', async () => {
    mockCampaignsApi();
    renderTheories('/campaigns');
    const table = await screen.findByTestId('theories-table');
    await within(table).findByText('C000000101');
    const headers = () => within(table).getAllByRole('columnheader').map((cell) => cell.textContent);
    expect(headers()).toContain('Название');
    expect(headers()).not.toContain('Владелец');
    expect(headers()).not.toContain('Создана');
    // As wide as the shown columns, the name among them with room to read.
    const widths = () => Array.from(table.querySelectorAll('col')).map((col) => parseInt(col.style.width, 10) || 0);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(widths()).toContain(240);
    expect(table.querySelector('table')?.style.width).toBe(`${sum(widths())}px`);
    expect(sum(widths())).toBeLessThanOrEqual(1150);
  });

  it('shows every column on a wide screen', async () => {
    const narrow = window.matchMedia;
    // Every min-width query matches: the widest breakpoint.
    window.matchMedia = (query: string) => ({ ...narrow(query), matches: true });
    try {
      mockCampaignsApi();
      renderTheories('/campaigns');
      const table = await screen.findByTestId('theories-table');
      await within(table).findByText('C000000101');
      const headers = within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent);
      expect(headers).toEqual(expect.arrayContaining(['Код', 'Название', 'Владелец', 'Создана']));
      expect(headers.indexOf('Владелец')).toBeLessThan(headers.indexOf('Создана'));
    } finally {
      window.matchMedia = narrow;
    }
  });

  it('parts the type tags from the status tags only when both are there', async () => {
    mockCampaignsApi({
      'GET /api/v1/campaigns/dashboard': () => ({ body: { ...dashboard(), by_type: {} } }),
    });
    renderTheories('/campaigns');
    const strip = within(await screen.findByTestId('dashboard-statuses'));
    expect(strip.getByTestId('dashboard-status-active')).toHaveTextContent('Активна: 1');
    expect(strip.queryByText('·')).not.toBeInTheDocument();
    expect(strip.queryByTestId('dashboard-separator')).not.toBeInTheDocument();
  });

  it('leaves no separator after the type tags when there are no statuses', async () => {
    mockCampaignsApi({
      'GET /api/v1/campaigns/dashboard': () => ({ body: { ...dashboard(), by_effective_status: {} } }),
    });
    renderTheories('/campaigns');
    const strip = within(await screen.findByTestId('dashboard-statuses'));
    expect(strip.getByText('RB1: 2')).toBeInTheDocument();
    expect(strip.queryByText('·')).not.toBeInTheDocument();
  });

  it('takes its view from the address: filters, sort and page go to the API', async () => {
    const { calls } = mockCampaignsApi();
    renderTheories(
      '/campaigns?q=%D0%BA%D1%8D%D1%88%D0%B1%D1%8D%D0%BA&type=RB1&stream=market&status=active&status=ended&owner=bob&from=2025-03-01&to=2025-03-31&sort=name&page=2',
    );
    await rowOf('C000000101');

    const query = lastListQuery(calls);
    expect(query.get('q')).toBe('кэшбэк');
    expect(query.get('type')).toBe('RB1');
    expect(query.get('stream')).toBe('market');
    expect(query.getAll('status')).toEqual([]);
    expect(query.getAll('state')).toEqual(['active', 'ended']);
    expect(query.get('owner')).toBe('bob');
    expect(query.get('date_from')).toBe('2025-03-01');
    expect(query.get('date_to')).toBe('2025-03-31');
    expect(query.get('sort')).toBe('name');
    expect(query.get('limit')).toBe('20');
    expect(query.get('offset')).toBe('20');

    // The controls show the view.
    expect(screen.getByTestId('theories-search')).toHaveValue('кэшбэк');
    const filters = within(screen.getByTestId('theories-filters'));
    expect(await filters.findByText('RB1 · стандартная')).toBeInTheDocument();
    expect(await filters.findByText('Маркет (market)')).toBeInTheDocument();
    expect(await filters.findByTitle('Срок истёк')).toBeInTheDocument();
    expect(await filters.findByTitle('Активна')).toBeInTheDocument();
    expect(filters.getByDisplayValue('01.03.2025')).toBeInTheDocument();
    expect(filters.getByDisplayValue('31.03.2025')).toBeInTheDocument();
  });

  it('ignores broken values in the address', async () => {
    const { calls } = mockCampaignsApi();
    renderTheories('/campaigns?type=RB9&status=bogus&from=yesterday&sort=password&page=-3&size=7');
    await rowOf('C000000101');
    expect(Object.fromEntries(lastListQuery(calls))).toEqual({ sort: '-created_at', limit: '20', offset: '0' });
  });

  it('searches as the user types, keeping the search in the address', async () => {
    const { calls } = mockCampaignsApi();
    const user = setup();
    const { router } = renderTheories('/campaigns?page=3');
    await rowOf('C000000101');

    await user.click(screen.getByTestId('theories-search'));
    await user.paste('C0000001');
    await waitFor(() => expect(lastListQuery(calls).get('q')).toBe('C0000001'));
    // A new search starts on the first page.
    expect(lastListQuery(calls).get('offset')).toBe('0');
    expect(new URLSearchParams(router.state.location.search).get('q')).toBe('C0000001');
    expect(new URLSearchParams(router.state.location.search).get('page')).toBeNull();

    await user.click(screen.getByTestId('filters-reset'));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.getByTestId('theories-search')).toHaveValue('');
    expect(lastListQuery(calls).get('q')).toBeNull();
  });

  it('follows the address back to an earlier search without bringing the typed one back', async () => {
    const { calls } = mockCampaignsApi();
    const user = setup();
    const { router } = renderTheories('/campaigns?q=C0000001');
    await rowOf('C000000101');

    await act(() => router.navigate('/campaigns?q=C00000010'));
    expect(screen.getByTestId('theories-search')).toHaveValue('C00000010');
    await user.type(screen.getByTestId('theories-search'), '2');
    await waitFor(() => expect(lastListQuery(calls).get('q')).toBe('C000000102'));

    await act(() => router.navigate(-1));
    await waitFor(() => expect(screen.getByTestId('theories-search')).toHaveValue('C0000001'));
    // Longer than the typing pause: the address stays where the back button took it.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(new URLSearchParams(router.state.location.search).get('q')).toBe('C0000001');
    expect(screen.getByTestId('theories-search')).toHaveValue('C0000001');
  });

  it('filters by status and sorts by a column, in the address too', async () => {
    const { calls } = mockCampaignsApi();
    const user = setup();
    const { router } = renderTheories('/campaigns');
    await rowOf('C000000101');

    await user.click(screen.getByLabelText('Статус'));
    await user.click(await screen.findByTitle('Завершена'));
    await waitFor(() => expect(lastListQuery(calls).getAll('state')).toEqual(['finished']));
    expect(router.state.location.search).toBe('?status=finished');

    const table = screen.getByTestId('theories-table');
    await user.click(within(table).getAllByText('Код')[0] as HTMLElement);
    await waitFor(() => expect(lastListQuery(calls).get('sort')).toBe('code'));
    expect(new URLSearchParams(router.state.location.search).get('sort')).toBe('code');
  });

  it('opens a campaign from its code', async () => {
    mockCampaignsApi();
    const user = setup();
    const { router } = renderTheories('/campaigns');
    const row = await rowOf('C000000101');
    await user.click(row.getByText('C000000101'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/campaigns/C000000101'));
    expect(await screen.findByTestId('campaign-detail')).toBeInTheDocument();
  });

  it('says when nothing matches the filters', async () => {
    mockCampaignsApi({ 'GET /api/v1/campaigns': () => ({ body: { items: [], total: 0, limit: 20, offset: 0 } }) });
    renderTheories('/campaigns?q=nothing');
    expect(await screen.findByText('Нет кампаний, подходящих под условия отбора.')).toBeInTheDocument();
  });

  it('shows the server refusing the list', async () => {
    mockCampaignsApi({
      'GET /api/v1/campaigns': () => ({
        status: 422,
        body: {
          error: 'InvalidInput',
          code: 'campaign.list.bad_sort',
          params: { columns: 'camp_cd, start_date' },
          detail: 'sort: one of [...]',
        },
      }),
    });
    renderTheories('/campaigns');
    const alert = await screen.findByText('Не удалось загрузить кампании');
    expect(alert.closest('[role="alert"]')).toHaveTextContent(
      'Недопустимая сортировка; допустимые столбцы: camp_cd, start_date.',
    );
  });

  it('offers a new campaign to analysts, not to users', async () => {
    mockCampaignsApi();
    renderTheories('/campaigns', { as: 'user' });
    await rowOf('C000000101');
    expect(screen.getByText('Новая кампания').closest('button')).toBeDisabled();
  });
});

describe('Active Theories: A/B/n experiments in the list', { timeout: 60_000 }, () => {
  it("places each arm right after its lead on the page; an arm whose lead is elsewhere names it", async () => {
    const lead = summary({ code: 'C000000101', experiment: 'C000000101', arm: 'A' });
    const armC = summary({ code: 'C000000104', name: 'Кэшбэк на АЗС · C', experiment: 'C000000101', arm: 'C' });
    const armB = summary({ code: 'C000000103', name: 'Кэшбэк на АЗС · B', experiment: 'C000000101', arm: 'B' });
    const plain = summary({ code: 'C000000102', name: 'Бонус за кредит' });
    const orphan = summary({ code: 'C000000201', name: 'Зимняя волна · B', experiment: 'C000000200', arm: 'B' });
    // As the server sorts them (newest first): the arms come before their lead.
    mockCampaignsApi({
      'GET /api/v1/campaigns': () => ({ body: { items: [armC, armB, plain, lead, orphan], total: 5, limit: 20, offset: 0 } }),
    });
    renderTheories('/campaigns');
    const table = await screen.findByTestId('theories-table');
    await within(table).findByText('C000000101');
    const codes = () => Array.from(table.querySelectorAll('tbody tr[data-row-key]')).map((row) => row.getAttribute('data-row-key'));
    expect(codes()).toEqual(['C000000102', 'C000000101', 'C000000103', 'C000000104', 'C000000201']);

    const tagOf = async (code: string) => (await rowOf(code)).getByTestId('campaign-arm');
    expect(await tagOf('C000000101')).toHaveTextContent('A/B/n · A');
    expect(await tagOf('C000000101')).toHaveAttribute('data-grouped', 'false');
    expect(await tagOf('C000000103')).toHaveTextContent('↳ B');
    expect(await tagOf('C000000103')).toHaveAttribute('data-grouped', 'true');
    expect(await tagOf('C000000104')).toHaveTextContent('↳ C');
    const away = await rowOf('C000000201');
    expect(away.getByTestId('campaign-arm')).toHaveTextContent('A/B/n · B');
    expect(away.getByTestId('campaign-arm-lead')).toHaveAttribute('href', '/campaigns/C000000200');
    expect((await rowOf('C000000102')).queryByTestId('campaign-arm')).not.toBeInTheDocument();
  });
});

describe('Active Theories in the app', { timeout: 60_000 }, () => {
  it('is the page at /campaigns, and /campaigns/{code} is a campaign', async () => {
    mockFetch((url) => {
      if (url.pathname === '/api/v1/health') return { body: { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } } };
      if (url.pathname === '/api/v1/campaigns') return { body: { items: CAMPAIGNS, total: 2, limit: 20, offset: 0 } };
      if (url.pathname === '/api/v1/campaigns/dashboard') return { body: dashboard() };
      if (url.pathname === '/api/v1/reference/streams') return { body: { items: STREAMS, total: STREAMS.length } };
      return undefined;
    });
    const { router } = renderApp('/campaigns', { as: 'user' });
    expect(await screen.findByTestId('theories-table')).toBeInTheDocument();
    expect(screen.queryByText(/Раздел в разработке/)).not.toBeInTheDocument();
    await act(() => router.navigate('/campaigns/C000000999'));
    // Not stored (the mock answers 404): the page says so.
    expect(await screen.findByText('Кампания не найдена')).toBeInTheDocument();
  });
});
