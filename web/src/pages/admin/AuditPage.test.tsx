import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';

import { mockFetch, renderApp } from '../../test/renderApp';
import { auditQuery, compactJson, NO_FILTERS } from './useAudit';

// Whole pages of antd render slowly in jsdom on a busy machine: wait for them longer than 1 s.
configure({ asyncUtilTimeout: 5_000 });

const HEALTH = {
  status: 'ok',
  version: '0.1.0',
  warehouse: { dialect: 'duckdb', reachable: true },
  bank_date: '2026-12-07',
  timezone: 'Asia/Almaty',
};

function entry(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: `id-${n}`,
    occurred_at: '2025-03-14T09:30:05Z',
    username: 'admin',
    action: 'users.update_user',
    target: 'username=bob',
    outcome: 'success',
    status_code: 200,
    client_ip: '10.0.0.7',
    summary: { enabled: false },
    ...extra,
  };
}

const ENTRIES = [
  entry(1),
  entry(2, {
    action: 'auth.login',
    username: 'mallory',
    target: null,
    outcome: 'refused',
    status_code: 401,
    summary: null,
    occurred_at: '2025-03-14T09:29:00Z',
  }),
  entry(3, { action: 'campaigns.deploy', outcome: 'failure', status_code: 409, target: 'code=C1' }),
];

/** GET /audit answers with ENTRIES and `total`; returns the query strings it was asked. */
function mockAudit(total = 3) {
  const queries: URLSearchParams[] = [];
  mockFetch((url) => {
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (url.pathname === '/api/v1/audit') {
      queries.push(url.searchParams);
      return { body: { items: ENTRIES, total } };
    }
    return undefined;
  });
  return queries;
}

const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

describe('Admin → Audit log', { timeout: 60_000 }, () => {
  it('shows entries with local times, outcome tags and compact summaries', async () => {
    mockAudit();
    renderApp('/admin/audit');
    const actions = await screen.findAllByTestId('audit-action');
    expect(actions.map((a) => a.dataset.action)).toEqual(['users.update_user', 'auth.login', 'campaigns.deploy']);

    const first = within(actions[0]!.closest('tr') as HTMLElement);
    expect(first.getByText('Изменение пользователя')).toBeInTheDocument();
    expect(first.getByText('username=bob')).toBeInTheDocument();
    expect(first.getByText('Успех')).toBeInTheDocument();
    expect(first.getByText('{"enabled":false}')).toBeInTheDocument();
    // 09:30:05 UTC in the browser's zone (the test runs in whatever zone the machine has).
    const local = new Date('2025-03-14T09:30:05Z').toLocaleTimeString('ru-RU', { hour12: false });
    expect(first.getByText(new RegExp(local))).toBeInTheDocument();

    const second = within(actions[1]!.closest('tr') as HTMLElement);
    expect(second.getByText('Отказ')).toHaveAttribute('data-outcome', 'refused');
    expect(second.getByText('401')).toBeInTheDocument();
    // An action the page has no name for shows as it is.
    expect(within(actions[2]!).getByText('campaigns.deploy')).toBeInTheDocument();
    expect(screen.getByText('Ошибка')).toHaveAttribute('data-outcome', 'failure');
  });

  it('pages on the server', async () => {
    const queries = mockAudit(120);
    const user = setup();
    renderApp('/admin/audit');
    expect(await screen.findByText('Всего записей: 120')).toBeInTheDocument();
    expect(queries.at(-1)?.get('limit')).toBe('50');
    expect(queries.at(-1)?.get('offset')).toBe('0');
    await user.click(screen.getByTitle('3'));
    await waitFor(() => expect(queries.at(-1)?.get('offset')).toBe('100'));
  });

  it('filters by user, action and outcome on the server, back to page 1', async () => {
    const queries = mockAudit(120);
    const user = setup();
    renderApp('/admin/audit');
    await screen.findByText('Всего записей: 120');
    await user.click(screen.getByTitle('2'));
    await waitFor(() => expect(queries.at(-1)?.get('offset')).toBe('50'));

    await user.click(screen.getByLabelText('Пользователь'));
    await user.paste('bob');
    await waitFor(() => expect(queries.at(-1)?.get('username')).toBe('bob'));
    expect(queries.at(-1)?.get('offset')).toBe('0');

    await user.click(screen.getByLabelText('Действие'));
    await user.paste('users.');
    await waitFor(() => expect(queries.at(-1)?.get('action')).toBe('users.'));

    await user.click(screen.getByLabelText('Результат'));
    await user.click(await screen.findByTitle('Отказ'));
    await waitFor(() => expect(queries.at(-1)?.get('outcome')).toBe('refused'));
    expect(queries.at(-1)?.get('username')).toBe('bob');

    const reset = screen.getByRole('button', { name: 'Сбросить' });
    await user.click(reset);
    expect(screen.getByLabelText('Пользователь')).toHaveValue('');
    expect(reset).toBeDisabled();
    // The unfiltered first page is in the cache already: shown without asking again.
    expect(screen.getByTitle('1').className).toMatch(/active/);
  });
});

describe('compactJson', () => {
  it('writes JSON without spaces but after the commas between entries', () => {
    expect(compactJson({ role: 'user', enabled: true })).toBe('{"role":"user", "enabled":true}');
    expect(compactJson({ ids: [1, 2], nested: { a: 'x,y' } })).toBe('{"ids":[1,2], "nested":{"a":"x,y"}}');
  });
});

describe('auditQuery', () => {
  it('turns local days into UTC bounds, the last day included', () => {
    const query = auditQuery({ ...NO_FILTERS, range: [dayjs('2025-03-01'), dayjs('2025-03-14')] }, 2, 20);
    expect(query.since).toBe(new Date(2025, 2, 1).toISOString());
    expect(query.until).toBe(new Date(2025, 2, 15).toISOString());
    expect(query.limit).toBe(20);
    expect(query.offset).toBe(20);
  });

  it('leaves out empty filters', () => {
    expect(auditQuery({ ...NO_FILTERS, username: '  ', range: [null, dayjs('2025-03-14')] }, 1, 50)).toEqual({
      username: undefined,
      action: undefined,
      target: undefined,
      outcome: undefined,
      since: undefined,
      until: new Date(2025, 2, 15).toISOString(),
      limit: 50,
      offset: 0,
    });
  });
});
