import { configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { AppProviders } from '../app/AppProviders';
import { createQueryClient } from '../lib/queryClient';
import { mockFetch, renderApp, requestsOf } from '../test/renderApp';
import { RoleButton } from './RoleButton';
import { REFRESH_TOKEN_KEY, session } from './session';

// Whole pages of antd render slowly in jsdom on a busy machine: wait for them longer than 1 s.
configure({ asyncUtilTimeout: 5_000 });

const HEALTH = {
  status: 'ok',
  version: '0.1.0',
  warehouse: { dialect: 'duckdb', reachable: true },
  bank_date: '2026-12-07',
  timezone: 'Asia/Almaty',
};

function mockBackend() {
  return mockFetch((url) => {
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (url.pathname === '/api/v1/datasets') return { body: { items: [], total: 0 } };
    if (url.pathname === '/api/v1/users') return { body: { items: [], total: 0 } };
    if (url.pathname === '/api/v1/audit') return { body: { items: [], total: 0 } };
    if (url.pathname === '/api/v1/auth/logout') return { status: 204 };
    return undefined;
  });
}

const sidebar = () => within(screen.getByTestId('sidebar'));

describe('the sign-in guard', { timeout: 60_000 }, () => {
  it('sends a visitor without a session to /login?next=<where they wanted to go>', async () => {
    const fetch = mockBackend();
    const { router } = renderApp('/admin/users?x=1', { as: null });
    expect(await screen.findByRole('button', { name: 'Войти' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/admin/users?x=1');
    expect(screen.queryByTestId('sidebar')).not.toBeInTheDocument();
    expect(requestsOf(fetch).filter((r) => r.includes('/users'))).toEqual([]);
  });

  it('restores a stored session without showing the login page', async () => {
    window.sessionStorage.setItem(REFRESH_TOKEN_KEY, 'stored-refresh');
    session.reset(); // as on a page load with a stored token
    mockFetch((url) => {
      if (url.pathname === '/api/v1/auth/refresh')
        return {
          body: {
            access_token: 'a',
            refresh_token: 'r2',
            token_type: 'bearer',
            expires_in: 900,
            user: { username: 'ann', role: 'analyst', display_name: 'Анна Аналитик' },
          },
        };
      if (url.pathname === '/api/v1/datasets') return { body: { items: [], total: 0 } };
      if (url.pathname === '/api/v1/health') return { body: HEALTH };
      return undefined;
    });
    const { router } = renderApp('/datasets', { as: null });
    expect(screen.getByTestId('session-restoring')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Наборы данных' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/datasets');
    expect(screen.getByTestId('user-name')).toHaveTextContent('Анна Аналитик');
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe('r2');
  });
});

describe('the role guard and role-aware navigation', { timeout: 60_000 }, () => {
  it('shows the admin everything', () => {
    mockBackend();
    renderApp('/datasets', { as: 'admin' });
    expect(sidebar().getByText('Администрирование')).toBeInTheDocument();
    expect(sidebar().queryByTestId('nav-locked-campaignManager')).not.toBeInTheDocument();
    expect(screen.getByTestId('user-role')).toHaveTextContent('Администратор');
  });

  it('hides Admin from an analyst and refuses its pages with "Недостаточно прав"', async () => {
    const fetch = mockBackend();
    renderApp('/admin/audit', { as: 'analyst' });
    expect(screen.getByText('Недостаточно прав')).toBeInTheDocument();
    expect(screen.getByText(/Нужна роль «Администратор», ваша роль — «Аналитик»/)).toBeInTheDocument();
    expect(sidebar().queryByText('Администрирование')).not.toBeInTheDocument();
    expect(sidebar().queryByText('Журнал аудита')).not.toBeInTheDocument();
    // Analyst pages are open to the analyst.
    expect(sidebar().getByText('Загрузки').closest('a')).toHaveAttribute('href', '/uploads');
    await waitFor(() => expect(requestsOf(fetch)).toContain('GET /api/v1/health'));
    expect(requestsOf(fetch)).not.toContain('GET /api/v1/audit');
  });

  it('locks analyst pages for a user, with a tooltip, and refuses them', async () => {
    mockBackend();
    const user = userEvent.setup();
    const { router } = renderApp('/datasets', { as: 'user' });
    expect(sidebar().queryByText('Администрирование')).not.toBeInTheDocument();
    const locked = sidebar().getByTestId('nav-locked-campaignManager');
    expect(locked.closest('a')).toBeNull();
    expect(locked.closest('li')).toHaveAttribute('aria-disabled', 'true');
    await user.hover(locked);
    expect(await screen.findByText('Нужна роль «Аналитик»')).toBeInTheDocument();
    expect(sidebar().getByTestId('nav-locked-uploads')).toBeInTheDocument();
    // Read-only pages stay open.
    expect(sidebar().getByText('Наборы данных').closest('a')).toHaveAttribute('href', '/datasets');

    await router.navigate('/uploads');
    expect(await screen.findByText('Недостаточно прав')).toBeInTheDocument();
    expect(screen.getByText(/Нужна роль «Аналитик», ваша роль — «Пользователь»/)).toBeInTheDocument();
  });
});

describe('the user menu', { timeout: 60_000 }, () => {
  it('shows who is signed in and signs out to the login page', async () => {
    const fetch = mockBackend();
    const user = userEvent.setup();
    const { router } = renderApp('/datasets', { as: 'analyst' });
    expect(screen.getByTestId('user-name')).toHaveTextContent('test-analyst');
    expect(screen.getByTestId('user-role')).toHaveTextContent('Аналитик');

    await user.click(screen.getByTestId('user-menu'));
    await user.click(await screen.findByText('Выйти'));

    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(requestsOf(fetch)).toContain('POST /api/v1/auth/logout');
    expect(await screen.findByText('Вы вышли из системы.')).toBeInTheDocument();
    expect(window.sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();

    // Back does not bring the page back: it needs a session again.
    await router.navigate(-1);
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(screen.queryByRole('heading', { name: 'Наборы данных' })).not.toBeInTheDocument();
  });
});

describe('RoleButton', () => {
  function renderButton(role: 'user' | 'analyst') {
    session.signInForTests({ username: 'someone', role, display_name: null });
    const onClick = vi.fn();
    render(
      <AppProviders queryClient={createQueryClient()}>
        <RoleButton minRole="analyst" onClick={onClick}>
          Создать кампанию
        </RoleButton>
      </AppProviders>,
    );
    return onClick;
  }

  it('is disabled below the role, saying which role it needs', async () => {
    const onClick = renderButton('user');
    const user = userEvent.setup();
    const button = screen.getByRole('button', { name: 'Создать кампанию' });
    expect(button).toBeDisabled();
    await user.hover(button.parentElement as HTMLElement);
    expect(await screen.findByText('Нужна роль «Аналитик»')).toBeInTheDocument();
    expect(onClick).not.toHaveBeenCalled();
  });

  it('works for the role and above', async () => {
    const onClick = renderButton('analyst');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Создать кампанию' }));
    expect(onClick).toHaveBeenCalledOnce();
  });
});
