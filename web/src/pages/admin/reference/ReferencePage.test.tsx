import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp, type MockAnswer } from '../../../test/renderApp';

configure({ asyncUtilTimeout: 5_000 });

const HEALTH = { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true }, bank_date: '2026-12-07', timezone: 'Asia/Almaty' };

const FILIALS = [
  { code: '01', name_ru: 'Алматинский филиал', name_kz: 'Алматы филиалы', region: 'г. Алматы', is_big_city: true, enabled: true },
  { code: '05', name_ru: 'Карагандинский филиал', name_kz: 'Қарағанды филиалы', region: 'Карагандинская область', is_big_city: false, enabled: false },
];
const STREAMS = [{ code: 'travel', campaign_type: 'RB1', name_ru: 'Путешествия', name_kz: 'Саяхат', sort_order: 3, enabled: true }];

interface Call {
  method: string;
  path: string;
  body: unknown;
}

function mockReferenceApi(answer?: (call: Call) => MockAnswer | undefined) {
  const calls: Call[] = [];
  mockFetch(async (url, request) => {
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (request.method === 'GET' && url.pathname === '/api/v1/reference/filials') return { body: { items: FILIALS, total: 2 } };
    if (request.method === 'GET' && url.pathname === '/api/v1/reference/streams') return { body: { items: STREAMS, total: 1 } };
    if (url.pathname.startsWith('/api/v1/reference/') && request.method !== 'GET') {
      const text = await request.text();
      const call = { method: request.method, path: url.pathname, body: text ? JSON.parse(text) : null };
      calls.push(call);
      const custom = answer?.(call);
      if (custom) return custom;
      if (call.method === 'DELETE') return { status: 204 };
      const code = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      return { body: { ...FILIALS.find((f) => f.code === code), ...(call.body as object) } };
    }
    return undefined;
  });
  return calls;
}

const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

describe('Admin → Reference data', { timeout: 60_000 }, () => {
  it('lists streams first, then filials with disabled ones, and renames a filial with PATCH', async () => {
    const calls = mockReferenceApi();
    const user = setup();
    renderApp('/admin/reference');
    expect(await screen.findByText('Путешествия')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Филиалы' }));
    const row = within((await screen.findByTestId('edit-05')).closest('tr') as HTMLElement);
    expect(row.getByText('Карагандинский филиал')).toBeInTheDocument();
    expect(row.getByTestId('enabled-05')).not.toBeChecked();

    await user.click(row.getByTestId('edit-05'));
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByLabelText('Название (RU)');
    expect(name).toHaveValue('Карагандинский филиал');
    expect(dialog.queryByLabelText('Код')).not.toBeInTheDocument();
    await user.clear(name);
    await user.click(name);
    await user.paste('Филиал Караганды');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(calls).toEqual([
        {
          method: 'PATCH',
          path: '/api/v1/reference/filials/05',
          body: { name_ru: 'Филиал Караганды', name_kz: 'Қарағанды филиалы', region: 'Карагандинская область', is_big_city: false },
        },
      ]),
    );
  });

  it('says why a used entry cannot be deleted (409 reference.in_use)', async () => {
    mockReferenceApi(() => ({
      status: 409,
      body: { error: 'Conflict', code: 'reference.in_use', detail: 'used', params: { kind: 'stream', code: 'travel', campaigns: 2 }, errors: [] },
    }));
    const user = setup();
    renderApp('/admin/reference');
    await user.click(await screen.findByTestId('delete-travel'));
    await user.click(await screen.findByRole('button', { name: 'Удалить' }));
    const alert = await screen.findByTestId('reference-action-error');
    expect(alert).toHaveTextContent('Запись «travel» используют кампании (2): её нельзя удалить, только отключить.');
  });
});
