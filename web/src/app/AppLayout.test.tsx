import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';

import i18n, { LANGUAGE_STORAGE_KEY } from '../i18n';
import { mockFetch, renderApp } from '../test/renderApp';

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
    return undefined;
  });
}

function menu() {
  return within(screen.getByTestId('sidebar'));
}

describe('the shell', () => {
  it('shows the navigation in Russian by default', async () => {
    mockBackend();
    renderApp('/datasets');
    for (const label of [
      'Менеджер кампаний',
      'Активные теории',
      'Загрузки',
      'Конструктор запросов',
      'Наборы данных',
      'Мониторинг',
      'Администрирование',
    ]) {
      expect(menu().getByText(label)).toBeInTheDocument();
    }
    expect(screen.getByText('DataQuery Pro')).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('ru');
    expect(await screen.findByText(/Система работает/)).toBeInTheDocument();
  });

  it('switches the navigation to English and remembers the choice', async () => {
    mockBackend();
    const user = userEvent.setup();
    renderApp('/datasets');
    await user.click(screen.getByText('EN'));

    expect(menu().getByText('Campaign Manager')).toBeInTheDocument();
    expect(menu().getByText('Datasets')).toBeInTheDocument();
    expect(menu().getByText('Admin')).toBeInTheDocument();
    expect(menu().queryByText('Наборы данных')).not.toBeInTheDocument();
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');

    await user.click(screen.getByText('RU'));
    expect(menu().getByText('Наборы данных')).toBeInTheDocument();
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('ru');
  });

  it('switches to Kazakh: the navigation, the page and dayjs follow, and the choice is kept', async () => {
    mockBackend();
    const user = userEvent.setup();
    renderApp('/datasets');
    await user.click(screen.getByText('ҚАЗ'));

    for (const label of ['Науқандар менеджері', 'Белсенді теориялар', 'Жүктеулер', 'Деректер жиындары', 'Әкімшілік'])
      expect(menu().getByText(label)).toBeInTheDocument();
    expect(menu().queryByText('Наборы данных')).not.toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Деректер жиындары' })).toBeInTheDocument();
    expect(await screen.findByText(/Жүйе жұмыс істеп тұр/)).toBeInTheDocument();
    // dayjs's month names (the date pickers' calendars) are Kazakh too.
    expect(dayjs.locale()).toBe('kk');
    expect(dayjs('2025-03-14').format('D MMMM')).toBe('14 наурыз');
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('kk');
    expect(document.documentElement.lang).toBe('kk');
  });

  it('opens the admin group on an admin page and shows its sub-items', async () => {
    mockBackend();
    renderApp('/admin/reference');
    expect(menu().getByText('Пользователи')).toBeInTheDocument();
    expect(menu().getByText('Журнал аудита')).toBeInTheDocument();
    expect(menu().getByText('Справочники')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Справочники' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Справочники · DataQuery Pro'));
  });

  it('redirects / to the datasets page', async () => {
    mockBackend();
    const { router } = renderApp('/');
    await waitFor(() => expect(router.state.location.pathname).toBe('/datasets'));
    expect(await screen.findByRole('heading', { name: 'Наборы данных' })).toBeInTheDocument();
  });

  it('shows a 404 page inside the shell for an unknown address', async () => {
    mockBackend();
    const user = userEvent.setup();
    const { router } = renderApp('/no/such/page');
    expect(screen.getByText('Страница не найдена')).toBeInTheDocument();
    expect(screen.getByText(/\/no\/such\/page/)).toBeInTheDocument();
    // Still inside the shell: the navigation is there.
    expect(menu().getByText('Наборы данных')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'К наборам данных' }));
    expect(router.state.location.pathname).toBe('/datasets');
  });

  it('says when the server is unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    renderApp('/monitoring');
    expect(await screen.findByText('Сервер недоступен')).toBeInTheDocument();
    expect(i18n.language).toBe('ru');
  });
});

describe('the health badge', () => {
  it('shows a degraded server (503 with a health body) as degraded, not as down', async () => {
    mockFetch((url) =>
      url.pathname === '/api/v1/health'
        ? { status: 503, body: { status: 'degraded', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: false } } }
        : undefined,
    );
    renderApp('/uploads');
    await waitFor(() => expect(screen.getByTestId('health-badge')).toHaveAttribute('data-status', 'degraded'));
    expect(screen.getByTestId('health-badge')).toHaveTextContent('Работа нарушена');
  });
});
