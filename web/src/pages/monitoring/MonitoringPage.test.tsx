import { configure, screen, waitFor, within } from '@testing-library/react';

import { mockFetch, renderApp } from '../../test/renderApp';
import { formatMs } from './useMonitoring';

configure({ asyncUtilTimeout: 5_000 });

const HEALTH = {
  status: 'degraded',
  version: '0.1.0',
  warehouse: { dialect: 'duckdb', reachable: true },
  bank_date: '2026-12-07',
  timezone: 'Asia/Almaty',
  checks: [
    { name: 'warehouse', status: 'ok', latency_ms: 1.2, detail: null, params: {} },
    { name: 'ldap', status: 'down', latency_ms: 1000, detail: 'LDAPSocketOpenError', params: {} },
    { name: 'disk', status: 'ok', latency_ms: 0.1, detail: null, params: { free_mb: 70000, total_mb: 250000 } },
  ],
};

const TILES = {
  health: HEALTH,
  requests_24h: 1234,
  error_rate_24h: 0.01,
  p95_ms_24h: 420,
  jobs_running: 1,
  jobs_queued: 2,
  jobs_failed_24h: 3,
  slow_queries_24h: 4,
  campaigns_deployed_today: 5,
  active_users_today: 6,
  generated_at: '2026-12-07T09:00:00Z',
};

function mockMonitoring() {
  return mockFetch((url) => {
    switch (url.pathname) {
      case '/api/v1/health':
        return { body: HEALTH };
      case '/api/v1/monitoring/tiles':
        return { body: TILES };
      case '/api/v1/monitoring/daily':
        return {
          body: {
            days: 30,
            channels: ['push', 'sms'],
            items: [{ day: '2026-12-07', campaigns_deployed: 5, uploads: 2, active_users: 6, contacts: { push: 10, sms: 3 } }],
          },
        };
      case '/api/v1/monitoring/routes':
        return {
          body: {
            hours: 24,
            items: [
              { method: 'POST', route: '/api/v1/audiences/preview', requests: 50, errors: 1, error_rate: 0.02, p50_ms: 80, p95_ms: 900, max_ms: 1500, mean_ms: 120 },
            ],
          },
        };
      case '/api/v1/monitoring/queries':
        return {
          body: [
            { occurred_at: '2026-12-07T08:00:00Z', kind: 'deploy.write', username: 'anna', duration_ms: 2500, ok: true, rows: 708, detail: 'C000000042' },
          ],
        };
      case '/api/v1/monitoring/query-kinds':
        return { body: ['deploy.write'] };
      case '/api/v1/monitoring/jobs':
        return {
          body: {
            total: 1,
            kinds: ['upload'],
            items: [
              { id: 'j1', kind: 'upload', status: 'failed', owner: 'anna', created_at: '2026-12-07T07:00:00Z', started_at: null, finished_at: null, seconds: 3, error: 'boom', stage: null },
            ],
          },
        };
      default:
        return undefined;
    }
  });
}

describe('the monitoring page', () => {
  it('shows the health of each dependency, the tiles and the tables', async () => {
    mockMonitoring();
    renderApp('/monitoring', { as: 'analyst' });
    expect(await screen.findByRole('heading', { name: 'Мониторинг' })).toBeInTheDocument();
    expect(await screen.findByTestId('health-check-ldap')).toHaveAttribute('data-status', 'down');
    expect(screen.getByTestId('health-check-warehouse')).toHaveAttribute('data-status', 'ok');
    expect(screen.getByTestId('tile-deployed-today')).toHaveTextContent('5');
    expect(screen.getByTestId('tile-jobs')).toHaveTextContent('1 / 2');
    const queries = await screen.findByTestId('monitoring-queries');
    await waitFor(() => expect(within(queries).getByText('Запуск кампании')).toBeInTheDocument());
    expect(within(queries).getByText('C000000042')).toBeInTheDocument();
    expect(within(queries).getByText('2,5 с')).toBeInTheDocument();
    const routes = screen.getByTestId('monitoring-routes');
    await waitFor(() => expect(within(routes).getByText('POST /api/v1/audiences/preview')).toBeInTheDocument());
    const jobs = screen.getByTestId('monitoring-jobs');
    await waitFor(() => expect(within(jobs).getByText('boom')).toBeInTheDocument());
    expect(within(jobs).getByText('сбой')).toBeInTheDocument();
  });

  it('is closed to the user role', async () => {
    mockMonitoring();
    renderApp('/monitoring', { as: 'user' });
    expect(await screen.findByText(/аналитик/i)).toBeInTheDocument();
    expect(screen.queryByTestId('tile-deployed-today')).not.toBeInTheDocument();
  });
});

describe('formatMs', () => {
  it('writes milliseconds below a second and seconds above', () => {
    const units = { ms: 'мс', s: 'с' };
    expect(formatMs(850, 'ru', units)).toBe('850 мс');
    expect(formatMs(12_400, 'ru', units)).toBe('12,4 с');
    expect(formatMs(null, 'ru', units)).toBe('—');
  });
});
