import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../test/renderApp';

vi.mock('../../components/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} data-testid="echart" />,
}));

configure({ asyncUtilTimeout: 5_000 });

const HEALTH = { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } };
const RUN = {
  id: 'r1',
  day: '2026-12-06',
  status: 'done',
  trigger: 'schedule',
  username: null,
  started_at: '2026-12-06T04:00:00Z',
  finished_at: '2026-12-06T04:00:05Z',
  seconds: 4.2,
  pool_size: 1200,
  distributed: 1100,
  campaigns: { C000000101: { target: 500, control: 50 }, C000000102: { target: 495, control: 55 } },
  undistributed: { global_control: 60, several_rules: 40 },
  error: null,
};
const REPORT = {
  day: '2026-12-07',
  status: 'dry_run',
  run_id: null,
  pool_size: 900,
  distributed: 880,
  campaigns: [
    { code: 'C000000101', name: 'Кэшбэк', target: 400, control: 40, channels: {} },
    { code: 'C000000102', name: 'Депозит', target: 396, control: 44, channels: {} },
  ],
  undistributed: { global_control: 20 },
  seconds: 0.5,
  error: null,
  written_at: null,
};

function mockBackend() {
  const posted: unknown[] = [];
  const mock = mockFetch(async (url, request) => {
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (url.pathname === '/api/v1/distributions' && request.method === 'GET')
      return {
        body: {
          today: '2026-12-07',
          today_status: null,
          next_run_at: '2026-12-07T04:00:00Z',
          scheduler_enabled: true,
          cron: '0 9 * * *',
          items: [RUN],
        },
      };
    if (url.pathname === '/api/v1/distributions' && request.method === 'POST') {
      const body = (await request.json()) as { dry_run: boolean };
      posted.push(body);
      return { body: body.dry_run ? REPORT : { ...REPORT, status: 'done', run_id: 'r2' } };
    }
    return undefined;
  });
  return { mock, posted };
}

describe('Monitoring → Distribution', () => {
  it('shows the history with reasons and lets an admin run a day after a dry run', async () => {
    const { posted } = mockBackend();
    const user = userEvent.setup();
    renderApp('/monitoring/distribution');
    expect(await screen.findByRole('heading', { name: 'Распределение пула' })).toBeInTheDocument();
    const row = (await screen.findByText('по расписанию')).closest('tr')!;
    expect(within(row).getByText('Выполнено')).toBeInTheDocument();
    expect(within(row).getByText(/разные правила в разных кампаниях/)).toBeInTheDocument();
    expect(screen.getByText('ещё не выполнялось')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /Распределено по дням: 1 запусков/ })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /Запустить вручную/ }));
    const preview = await screen.findByTestId('distribution-preview');
    expect(within(preview).getByText('Депозит')).toBeInTheDocument();
    expect(posted).toEqual([{ dry_run: true }]);

    await user.click(screen.getByRole('button', { name: 'Распределить' }));
    await waitFor(() => expect(posted).toEqual([{ dry_run: true }, { day: '2026-12-07', dry_run: false }]));
    expect(await screen.findByText(/Распределено 880 из 900/)).toBeInTheDocument();
  });

  it('offers no manual run below admin', async () => {
    mockBackend();
    renderApp('/monitoring/distribution', { as: 'analyst' });
    expect(await screen.findByText('по расписанию')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Запустить вручную/ })).toBeNull();
  });
});
