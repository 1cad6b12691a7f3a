import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../../test/renderApp';

configure({ asyncUtilTimeout: 5_000 });

const HEALTH = { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true }, bank_date: '2026-12-07', timezone: 'Asia/Almaty' };
const SOURCE = {
  id: 's1',
  name: 'dssb',
  dialect: 'oracle',
  display_url: 'oracle+oracledb://reader:***@db:1521/?service_name=DSSB',
  created_by: 'adam',
  created_at: '2026-12-01T08:00:00Z',
  last_test_at: null,
  last_test_ok: null,
};
const MAPPING = {
  dataset: 'acrm_blacklist',
  source_id: 's1',
  category: 'blacklist',
  description: null,
  source_table: 'DSSB.ACRM_BLACKLIST',
  query: null,
  schedule: '0 6 * * *',
  created_by: 'adam',
  created_at: '2026-12-01T08:00:00Z',
  last_job_id: null,
  last_started_at: null,
  refreshed_at: '2026-12-06T01:00:00Z',
  row_count: 120_500,
  last_job_status: 'succeeded',
};

interface Call {
  method: string;
  path: string;
  body: unknown;
}

function mockSourcesApi() {
  const calls: Call[] = [];
  mockFetch(async (url, request) => {
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (request.method === 'GET' && url.pathname === '/api/v1/data-sources') return { body: { items: [SOURCE], total: 1 } };
    if (request.method === 'GET' && url.pathname === '/api/v1/data-sources/datasets') return { body: { items: [MAPPING], total: 1 } };
    if (request.method === 'GET' && url.pathname === '/api/v1/jobs/j1')
      return {
        body: {
          id: 'j1',
          kind: 'datasource.refresh',
          status: 'failed',
          progress: 0,
          stage: null,
          result: { error: 'InvalidInput', code: 'datasource.read_failed', detail: 'x', params: { source: 'dssb', dataset: 'acrm_blacklist' }, errors: [] },
          error: 'x',
          owner: 'adam',
          created_at: '2026-12-07T01:00:00Z',
          started_at: null,
          finished_at: null,
        },
      };
    if (url.pathname === '/api/v1/data-sources/datasets/acrm_blacklist' && request.method === 'PATCH') {
      const text = await request.text();
      calls.push({ method: request.method, path: url.pathname, body: JSON.parse(text) });
      return { body: { ...MAPPING, schedule: '30 5 * * 1' } };
    }
    if (url.pathname === '/api/v1/data-sources/s1' && request.method === 'PATCH') {
      const text = await request.text();
      calls.push({ method: request.method, path: url.pathname, body: JSON.parse(text) });
      return { body: { ...SOURCE, name: 'dwh' } };
    }
    if (url.pathname.startsWith('/api/v1/data-sources') && request.method === 'POST') {
      const text = await request.text();
      calls.push({ method: request.method, path: url.pathname, body: text ? JSON.parse(text) : null });
      if (url.pathname.endsWith('/refresh')) return { status: 202, body: { dataset: 'acrm_blacklist', job_id: 'j1' } };
      return { status: 201, body: { ...SOURCE, id: 's2', name: 'crm' } };
    }
    return undefined;
  });
  return calls;
}

const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

describe('Admin → Data sources', { timeout: 120_000 }, () => {
  it('lists sources with the password hidden and the mapped datasets', async () => {
    mockSourcesApi();
    renderApp('/admin/data-sources');
    expect(await screen.findByText('oracle+oracledb://reader:***@db:1521/?service_name=DSSB')).toBeInTheDocument();
    const row = within((await screen.findByTestId('refresh-acrm_blacklist')).closest('tr') as HTMLElement);
    expect(row.getByText('DSSB.ACRM_BLACKLIST')).toBeInTheDocument();
    expect(row.getByText('0 6 * * *')).toBeInTheDocument();
    expect(row.getByText('120 500')).toBeInTheDocument();
  });

  it('adds a source with POST {name, url}', async () => {
    const calls = mockSourcesApi();
    const user = setup();
    renderApp('/admin/data-sources');
    await user.click(await screen.findByTestId('add-source'));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByLabelText('Название'));
    await user.paste('crm');
    await user.click(dialog.getByLabelText('Адрес подключения'));
    await user.paste('postgresql+psycopg://u:pw@host/crm');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(calls).toEqual([{ method: 'POST', path: '/api/v1/data-sources', body: { name: 'crm', url: 'postgresql+psycopg://u:pw@host/crm' } }]));
  });

  it('edits a source with PATCH: the name, and the URL only when a new one is typed', async () => {
    const calls = mockSourcesApi();
    const user = setup();
    renderApp('/admin/data-sources');
    await user.click(await screen.findByRole('button', { name: 'Изменить источник dssb' }));
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByLabelText('Название');
    await user.tripleClick(name); // selects the current name: the paste replaces it
    await user.paste('dwh');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(calls).toEqual([{ method: 'PATCH', path: '/api/v1/data-sources/s1', body: { name: 'dwh' } }]));
  });

  it("edits a mapping's cron schedule with PATCH", async () => {
    const calls = mockSourcesApi();
    const user = setup();
    renderApp('/admin/data-sources');
    await user.click(await screen.findByRole('button', { name: 'Изменить расписание acrm_blacklist' }));
    const dialog = within(await screen.findByRole('dialog'));
    const input = dialog.getByLabelText('Расписание');
    await user.tripleClick(input);
    await user.paste('30 5 * * 1');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(calls).toEqual([{ method: 'PATCH', path: '/api/v1/data-sources/datasets/acrm_blacklist', body: { schedule: '30 5 * * 1' } }]));
  });

  it('says a failed refresh kept the old data', async () => {
    mockSourcesApi();
    const user = setup();
    renderApp('/admin/data-sources');
    await user.click(await screen.findByTestId('refresh-acrm_blacklist'));
    const alert = await screen.findByTestId('sources-action-error');
    expect(alert).toHaveTextContent('Не удалось прочитать данные из источника «dssb»; прежние данные набора сохранены.');
  });
});
