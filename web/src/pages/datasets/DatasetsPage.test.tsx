import { getDefaultNormalizer, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { THIN_SPACE } from '../../lib/format';
import { mockFetch, renderApp } from '../../test/renderApp';

const DATASETS = {
  total: 2,
  items: [
    {
      name: 'feature_store',
      category: 'feature_store',
      description: 'Витрина признаков клиентов',
      source: 'demo',
      table_name: 'ds_feature_store',
      row_count: 1_234_567,
      refreshed_at: '2025-03-14T09:30:00Z',
      columns: [
        { name: 'iin', type: 'VARCHAR' },
        { name: 'score_credit', type: 'DOUBLE' },
      ],
      owner: null,
      purpose: null,
      created_at: '2025-03-14T09:00:00Z',
    },
    {
      name: 'employees',
      category: 'blacklist',
      description: null,
      source: null,
      table_name: 'ds_employees',
      row_count: 20_000,
      refreshed_at: null,
      columns: [{ name: 'iin', type: 'VARCHAR' }],
      owner: null,
      purpose: null,
      created_at: '2025-03-14T09:00:00Z',
    },
  ],
};

// Keep the thin spaces: the default normalizer would turn them into plain ones.
const exact = { normalizer: getDefaultNormalizer({ collapseWhitespace: false }) };

function mockDatasets(answer: { status?: number; body: unknown } = { body: DATASETS }) {
  return mockFetch((url) => {
    if (url.pathname === '/api/v1/datasets') return answer;
    if (url.pathname === '/api/v1/health')
      return { body: { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } } };
    return undefined;
  });
}

describe('Datasets page', () => {
  it('lists datasets from the API with counts in Russian format', async () => {
    const fetch = mockDatasets();
    renderApp('/datasets');

    const row = (await screen.findByText('feature_store')).closest('tr');
    expect(row).not.toBeNull();
    const cells = within(row as HTMLElement);
    expect(cells.getByText(`1${THIN_SPACE}234${THIN_SPACE}567`, exact)).toBeInTheDocument();
    expect(cells.getByText('Витрина признаков')).toBeInTheDocument();
    expect(cells.getByText('Витрина признаков клиентов')).toBeInTheDocument();

    const employees = within(screen.getByText('employees').closest('tr') as HTMLElement);
    expect(employees.getByText(`20${THIN_SPACE}000`, exact)).toBeInTheDocument();
    expect(employees.getByText('Стоп-лист')).toBeInTheDocument();
    expect(employees.getByText('не обновлялся')).toBeInTheDocument();

    // Summary: two datasets, 1 254 567 rows in all.
    expect(screen.getByText(`1${THIN_SPACE}254${THIN_SPACE}567`, exact)).toBeInTheDocument();

    const urls = fetch.mock.calls.map(([input]) => new URL((input as Request).url).pathname);
    expect(urls).toContain('/api/v1/datasets');
  });

  it('formats counts the English way after switching language', async () => {
    mockDatasets();
    const user = userEvent.setup();
    renderApp('/datasets');
    await screen.findByText('feature_store');
    await user.click(screen.getByText('EN'));

    expect(screen.getByRole('heading', { name: 'Datasets' })).toBeInTheDocument();
    expect(screen.getByText('1,234,567')).toBeInTheDocument();
    expect(screen.getByText('20,000')).toBeInTheDocument();
    expect(screen.getByText('Feature store')).toBeInTheDocument();
  });

  it('lists the columns of a dataset when its row is expanded', async () => {
    mockDatasets();
    const user = userEvent.setup();
    renderApp('/datasets');
    const row = (await screen.findByText('feature_store')).closest('tr') as HTMLElement;
    await user.click(within(row).getByRole('button'));

    const columns = await screen.findByTestId('columns-feature_store');
    expect(within(columns).getByText('score_credit')).toBeInTheDocument();
    expect(within(columns).getByText('DOUBLE')).toBeInTheDocument();
    expect(screen.getByText('ds_feature_store')).toBeInTheDocument();
  });

  it("shows the API's error detail when loading fails", async () => {
    mockDatasets({ status: 503, body: { error: 'WarehouseUnavailable', code: 'warehouse.unavailable', detail: 'the warehouse is down' } });
    renderApp('/datasets');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Не удалось загрузить наборы данных')).toBeInTheDocument();
    expect(within(alert).getByText('Сервис временно недоступен. Повторите попытку позже.')).toBeInTheDocument();
    expect(screen.queryByText('feature_store')).not.toBeInTheDocument();
  });

  it('sends the user to sign in when the session cannot be renewed', async () => {
    // The API refuses the access token and /auth/refresh refuses the refresh token.
    mockFetch((url) => {
      if (url.pathname === '/api/v1/datasets')
        return { status: 401, body: { error: 'NotAuthenticated', detail: 'sign in first: this needs an access token' } };
      if (url.pathname === '/api/v1/auth/refresh')
        return { status: 401, body: { error: 'NotAuthenticated', detail: 'the refresh token has been revoked; sign in again' } };
      return undefined;
    });
    const { router } = renderApp('/datasets');

    expect(await screen.findByText('Сеанс истёк. Войдите снова, чтобы продолжить.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fdatasets');
    expect(screen.queryByText('feature_store')).not.toBeInTheDocument();
  });
});
