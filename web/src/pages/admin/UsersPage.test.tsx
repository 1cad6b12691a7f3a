import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp, requestsOf, type MockAnswer } from '../../test/renderApp';

// Whole pages of antd render slowly in jsdom on a busy machine: wait for them longer than 1 s.
configure({ asyncUtilTimeout: 5_000 });

const HEALTH = {
  status: 'ok',
  version: '0.1.0',
  warehouse: { dialect: 'duckdb', reachable: true },
  bank_date: '2026-12-07',
  timezone: 'Asia/Almaty',
};

function userRow(username: string, role: string, extra: Record<string, unknown> = {}) {
  return {
    username,
    role,
    enabled: true,
    display_name: null,
    email: null,
    has_password: true,
    created_at: '2025-03-01T08:00:00Z',
    updated_at: '2025-03-01T08:00:00Z',
    last_login_at: null,
    ...extra,
  };
}

const USERS = [
  userRow('test-admin', 'admin', { display_name: 'Главный админ', last_login_at: '2025-03-14T09:30:00Z' }),
  userRow('bob', 'user', { display_name: 'Боб Петров', email: 'bob@bank.kz' }),
];

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/**
 * The users API: GET /users lists `users`; other calls are recorded and answered by `answer`
 * (default: 200 with the user as changed, 201 for create, 204 for delete).
 */
function mockUsersApi(answer?: (call: Call) => MockAnswer | undefined, users = USERS) {
  const calls: Call[] = [];
  const mock = mockFetch(async (url, request) => {
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (url.pathname === '/api/v1/users' && request.method === 'GET') return { body: { items: users, total: users.length } };
    if (url.pathname.startsWith('/api/v1/users')) {
      const text = await request.text();
      const call = { method: request.method, path: url.pathname, body: text ? JSON.parse(text) : null };
      calls.push(call);
      const custom = answer?.(call);
      if (custom) return custom;
      if (call.method === 'DELETE') return { status: 204 };
      if (call.method === 'POST') return { status: 201, body: userRow((call.body as { username: string }).username, 'user') };
      const name = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      return { body: { ...users.find((u) => u.username === name), ...(call.body as object) } };
    }
    return undefined;
  });
  return { calls, mock };
}

/**
 * jsdom computes styles slowly with antd's many style tags: skip user-event's pointer-events check
 * (a style lookup per ancestor per event), which these tests do not need.
 */
const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

/** Types a value in one go (typing key by key re-renders antd's form per key: slow in jsdom). */
async function fill(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, text: string) {
  await user.click(input);
  await user.paste(text);
}

/** The table row of a user (the name also shows in the header's user menu, so go by the row). */
async function rowOf(username: string) {
  return within((await screen.findByTestId(`role-${username}`)).closest('tr') as HTMLElement);
}

describe('Admin → Users', { timeout: 60_000 }, () => {
  it('lists users with name, role, access and last sign-in', async () => {
    mockUsersApi();
    renderApp('/admin/users');
    const admin = await rowOf('test-admin');
    expect(admin.getByText('вы')).toBeInTheDocument();
    expect(admin.getByText('Главный админ')).toBeInTheDocument();
    expect(admin.getByText('Администратор')).toBeInTheDocument();
    expect(admin.getByTestId('enabled-test-admin')).toBeChecked();
    expect(admin.getByText(/14\.03\.2025/)).toBeInTheDocument();
    const bob = await rowOf('bob');
    expect(bob.getByText('bob@bank.kz')).toBeInTheDocument();
    expect(bob.getByText('Пользователь')).toBeInTheDocument();
    expect(bob.getByText('не входил')).toBeInTheDocument();
  });

  it('changes a role with PATCH /users/{username}', async () => {
    const { calls } = mockUsersApi();
    const user = setup();
    renderApp('/admin/users');
    await user.click(await screen.findByTestId('role-bob'));
    await user.click(await screen.findByTitle('Аналитик'));
    await waitFor(() => expect(calls).toEqual([{ method: 'PATCH', path: '/api/v1/users/bob', body: { role: 'analyst' } }]));
    expect(await screen.findByText('bob: роль «Аналитик»')).toBeInTheDocument();
  });

  it('disables a user only after confirming, with PATCH {enabled: false}', async () => {
    const { calls } = mockUsersApi();
    const user = setup();
    renderApp('/admin/users');
    await user.click(await screen.findByTestId('enabled-bob'));
    expect(await screen.findByText('Отключить bob?')).toBeInTheDocument();
    expect(calls).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Отключить' }));
    await waitFor(() => expect(calls).toEqual([{ method: 'PATCH', path: '/api/v1/users/bob', body: { enabled: false } }]));
  });

  it('shows the server refusing plainly: the last administrator', async () => {
    mockUsersApi(() => ({
      status: 409,
      body: { error: 'Conflict', code: 'user.last_admin', detail: 'this is the last enabled administrator; appoint another one first' },
    }));
    const user = setup();
    renderApp('/admin/users');
    await user.click(await screen.findByTestId('role-bob'));
    await user.click(await screen.findByTitle('Аналитик'));
    const alert = await screen.findByTestId('users-action-error');
    expect(alert).toHaveTextContent('Не удалось изменить пользователя bob');
    expect(alert).toHaveTextContent('Это последний включённый администратор.');
  });

  it('shows the server refusing plainly: disabling yourself', async () => {
    mockUsersApi(() => ({ status: 409, body: { error: 'Conflict', code: 'user.not_yourself', detail: 'you cannot demote or disable yourself' } }));
    const user = setup();
    renderApp('/admin/users');
    await user.click(await screen.findByTestId('enabled-test-admin'));
    await user.click(await screen.findByRole('button', { name: 'Отключить' }));
    expect(await screen.findByTestId('users-action-error')).toHaveTextContent(
      'Нельзя понизить роль или отключить собственную учётную запись.',
    );
    // The switch did not flip: it follows the server.
    expect(await screen.findByTestId('enabled-test-admin')).toBeChecked();
  });

  it('adds a user with POST /users', async () => {
    const { calls } = mockUsersApi();
    const user = setup();
    renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: /Добавить пользователя/ }));
    const dialog = within(await screen.findByRole('dialog'));
    await fill(user, dialog.getByLabelText('Имя пользователя'), 'carol');
    await fill(user, dialog.getByLabelText(/Имя и фамилия/), 'Кэрол');
    await user.click(dialog.getByLabelText('Роль'));
    await user.click(await screen.findByTitle('Аналитик'));
    await fill(user, dialog.getByLabelText(/Пароль/), 'long-enough-1');
    await user.click(dialog.getByRole('button', { name: 'Добавить' }));
    await waitFor(() =>
      expect(calls).toEqual([
        {
          method: 'POST',
          path: '/api/v1/users',
          body: {
            username: 'carol',
            role: 'analyst',
            enabled: true,
            display_name: 'Кэрол',
            email: null,
            password: 'long-enough-1',
          },
        },
      ]),
    );
    expect(await screen.findByText('Пользователь carol добавлен')).toBeInTheDocument();
  });

  it("shows the server's 422 in the add dialog", async () => {
    mockUsersApi(() => ({ status: 422, body: { error: 'InvalidInput', code: 'user.password_too_short', params: { min_length: 10 }, detail: 'a password of at least 10 characters is required' } }));
    const user = setup();
    renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: /Добавить пользователя/ }));
    const dialog = within(await screen.findByRole('dialog'));
    await fill(user, dialog.getByLabelText('Имя пользователя'), 'dave');
    await user.click(dialog.getByRole('button', { name: 'Добавить' }));
    expect(await dialog.findByRole('alert')).toHaveTextContent('Нужен пароль не короче 10 символов.');
  });

  it('has no password field when no user has one (the directory checks passwords)', async () => {
    mockUsersApi(undefined, [userRow('test-admin', 'admin', { has_password: false })]);
    const user = setup();
    renderApp('/admin/users');
    await user.click(await screen.findByRole('button', { name: /Добавить пользователя/ }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.queryByLabelText(/Пароль/)).not.toBeInTheDocument();
    expect(dialog.getByText(/Пароли проверяет каталог \(LDAP\)/)).toBeInTheDocument();
  });

  it("deletes a user with DELETE /users/{username} and the admin's own password", async () => {
    const { calls } = mockUsersApi();
    const user = setup();
    renderApp('/admin/users');
    await user.click((await rowOf('bob')).getByTestId('delete-bob'));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText('Удалить пользователя bob?')).toBeInTheDocument();
    const confirm = dialog.getByRole('button', { name: 'Удалить' });
    expect(confirm).toBeDisabled();
    await fill(user, dialog.getByLabelText('Ваш пароль'), 'admin-password-1');
    await user.click(confirm);
    await waitFor(() =>
      expect(calls).toEqual([{ method: 'DELETE', path: '/api/v1/users/bob', body: { password: 'admin-password-1' } }]),
    );
    expect(await screen.findByText('Пользователь bob удалён')).toBeInTheDocument();
  });

  it('says so when the password for a delete is wrong (403)', async () => {
    const { mock } = mockUsersApi(() => ({ status: 403, body: { error: 'PermissionDenied', code: 'auth.wrong_password', detail: 'the password is incorrect' } }));
    const user = setup();
    renderApp('/admin/users');
    await user.click((await rowOf('bob')).getByTestId('delete-bob'));
    const dialog = within(await screen.findByRole('dialog'));
    await fill(user, dialog.getByLabelText('Ваш пароль'), 'nope');
    await user.click(dialog.getByRole('button', { name: 'Удалить' }));
    expect(await dialog.findByRole('alert')).toHaveTextContent('Неверный пароль.');
    // A 403 is not a 401: no refresh, no sign-out.
    expect(requestsOf(mock)).not.toContain('POST /api/v1/auth/refresh');
  });
});
