import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { REFRESH_TOKEN_KEY } from '../../auth/session';
import { mockFetch, renderApp, type MockAnswer } from '../../test/renderApp';

// Whole pages of antd render slowly in jsdom on a busy machine: wait for them longer than 1 s.
configure({ asyncUtilTimeout: 5_000 });

const HEALTH = {
  status: 'ok',
  version: '0.1.0',
  warehouse: { dialect: 'duckdb', reachable: true },
  bank_date: '2026-12-07',
  timezone: 'Asia/Almaty',
};
const PAIR = {
  access_token: 'a',
  refresh_token: 'r',
  token_type: 'bearer',
  expires_in: 900,
  user: { username: 'ann', role: 'analyst', display_name: null },
};

/** The backend, with `login` answering POST /auth/login; returns the bodies sent to it. */
function mockLogin(login: MockAnswer | (() => MockAnswer)) {
  const sent: unknown[] = [];
  mockFetch(async (url, request) => {
    if (url.pathname === '/api/v1/auth/login') {
      sent.push(await request.json());
      return typeof login === 'function' ? login() : login;
    }
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (url.pathname === '/api/v1/datasets') return { body: { items: [], total: 0 } };
    return undefined;
  });
  return sent;
}

async function signIn(username = 'ann', password = 'secret-password') {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Имя пользователя'), username);
  await user.type(screen.getByLabelText('Пароль'), password);
  await user.click(screen.getByRole('button', { name: 'Войти' }));
  return user;
}

const error = (
  status: number,
  detail: string,
  headers?: Record<string, string>,
  code = '',
  params: Record<string, unknown> = {},
): MockAnswer => ({
  status,
  body: { error: 'X', code, detail, params, errors: [] },
  headers,
});

describe('the login page', { timeout: 60_000 }, () => {
  it('is in Russian by default, with the product name and the language switch', async () => {
    mockLogin({ body: PAIR });
    const user = userEvent.setup();
    renderApp('/login', { as: null });
    expect(screen.getByText('DataQuery Pro')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Вход в систему' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Вход · DataQuery Pro'));

    await user.click(screen.getByText('EN'));
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toBeInTheDocument();

    await user.click(screen.getByText('ҚАЗ'));
    expect(screen.getByRole('heading', { name: 'Жүйеге кіру' })).toBeInTheDocument();
    expect(screen.getByLabelText('Пайдаланушы аты')).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Кіру · DataQuery Pro'));
  });

  it('signs in and goes to the page the user wanted', async () => {
    const sent = mockLogin({ body: PAIR });
    const { router } = renderApp('/login?next=%2Fdatasets%3Fq%3D1', { as: null });
    await signIn('  ann ', 'secret-password');
    await waitFor(() => expect(router.state.location.pathname).toBe('/datasets'));
    expect(router.state.location.search).toBe('?q=1');
    expect(sent).toEqual([{ username: 'ann', password: 'secret-password' }]);
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('r');
  });

  it('ignores a `next` that leaves the app', async () => {
    mockLogin({ body: PAIR });
    const { router } = renderApp('/login?next=%2F%2Fevil.example%2F', { as: null });
    await signIn();
    await waitFor(() => expect(router.state.location.pathname).toBe('/datasets'));
  });

  it('asks for both fields before calling the server', async () => {
    const sent = mockLogin({ body: PAIR });
    const user = userEvent.setup();
    renderApp('/login', { as: null });
    await user.click(screen.getByRole('button', { name: 'Войти' }));
    expect(await screen.findByText('Введите имя пользователя')).toBeInTheDocument();
    expect(screen.getByText('Введите пароль')).toBeInTheDocument();
    expect(sent).toEqual([]);
  });

  it('says "wrong username or password" for a 401 and stays', async () => {
    mockLogin(error(401, 'invalid username or password'));
    const { router } = renderApp('/login', { as: null });
    await signIn();
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Неверное имя пользователя или пароль');
    expect(router.state.location.pathname).toBe('/login');
    // Ready for the password again; the username stays.
    expect(screen.getByLabelText('Пароль')).toHaveValue('');
    expect(screen.getByLabelText('Имя пользователя')).toHaveValue('ann');
    await waitFor(() => expect(screen.getByLabelText('Пароль')).toHaveFocus());
  });

  it("shows the server's reason for a 403: a disabled account", async () => {
    mockLogin(error(403, 'the account ann is disabled', undefined, 'auth.account_disabled', { username: 'ann' }));
    renderApp('/login', { as: null });
    await signIn();
    const alert = await screen.findByTestId('login-error');
    expect(alert).toHaveTextContent('Вход запрещён');
    expect(alert).toHaveTextContent('Учётная запись ann отключена. Обратитесь к администратору.');
  });

  it("shows the server's reason for a 403: not on the list", async () => {
    mockLogin(
      error(403, 'ann is not allowed to use DataQuery Pro; ask an administrator for access', undefined, 'auth.not_allowed', {
        username: 'ann',
      }),
    );
    renderApp('/login', { as: null });
    await signIn();
    expect(await screen.findByTestId('login-error')).toHaveTextContent('У пользователя ann нет доступа к DataQuery Pro');
  });

  it('shows an unknown 403 in the interface language, not as the server wrote it', async () => {
    mockLogin(error(403, 'something new', undefined, 'auth.something_new'));
    renderApp('/login', { as: null });
    await signIn();
    const alert = await screen.findByTestId('login-error');
    expect(alert).toHaveTextContent('Недостаточно прав для этого действия.');
    expect(alert).not.toHaveTextContent('something new');
  });

  it('says how long to wait after a 429 and holds the button until then', async () => {
    mockLogin(error(429, 'too many failed sign-ins; try again in 250 s', { 'Retry-After': '250' }));
    renderApp('/login', { as: null });
    await signIn();
    const alert = await screen.findByTestId('login-error');
    expect(alert).toHaveTextContent('Слишком много неудачных попыток входа');
    expect(alert).toHaveTextContent(/Повторите через 4 мин 1\d с\./);
    expect(screen.getByRole('button', { name: 'Войти' })).toBeDisabled();
  });

  it('says the directory is unavailable for a 503', async () => {
    mockLogin(error(503, 'the directory does not answer'));
    renderApp('/login', { as: null });
    await signIn();
    const alert = await screen.findByTestId('login-error');
    expect(alert).toHaveTextContent('Каталог пользователей недоступен');
    expect(alert).toHaveTextContent(/LDAP/);
  });

  it('says the server did not answer when there is no answer', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    renderApp('/login', { as: null });
    await signIn();
    expect(await screen.findByTestId('login-error')).toHaveTextContent('Сервер не ответил');
  });

  it('clears the last error on a new attempt and signs in', async () => {
    let attempt = 0;
    mockLogin(() => (++attempt === 1 ? error(401, 'invalid username or password') : { body: PAIR }));
    const { router } = renderApp('/login', { as: null });
    const user = await signIn('ann', 'wrong-password');
    expect(await screen.findByTestId('login-error')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Пароль'), 'right-password');
    await user.click(screen.getByRole('button', { name: 'Войти' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/datasets'));
  });

  it('sends a signed-in user on to `next`', async () => {
    mockLogin({ body: PAIR });
    const { router } = renderApp('/login?next=%2Fmonitoring', { as: 'user' });
    await waitFor(() => expect(router.state.location.pathname).toBe('/monitoring'));
  });
});
