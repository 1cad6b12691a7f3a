import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../test/renderApp';

// Whole pages of antd render slowly in jsdom on a busy machine: wait for them longer than 1 s.
configure({ asyncUtilTimeout: 10_000 });

const HEALTH = {
  status: 'ok',
  version: '0.1.0',
  warehouse: { dialect: 'duckdb', reachable: true },
  bank_date: '2026-12-07',
  timezone: 'Asia/Almaty',
};

const SCHEMA = [
  {
    name: 'feature_store',
    category: 'feature_store',
    description: null,
    row_count: 10,
    key: ['iin'],
    columns: [
      { name: 'iin', kind: 'text' },
      { name: 'device_os', kind: 'text' },
      { name: 'filial_code', kind: 'text' },
    ],
  },
];

const PROPOSED = {
  version: 1,
  source: 'feature_store',
  filters: {
    kind: 'group',
    combine: 'and',
    filters: [{ kind: 'condition', column: { column: 'device_os' }, op: '=', value: 'ios' }],
  },
  aggregations: [{ fn: 'count' }],
  group_by: [{ column: { column: 'filial_code' } }],
};

function mockBuilder(enabled: boolean, answer: { status?: number; body: unknown }) {
  const asked: unknown[] = [];
  const mock = mockFetch(async (url, request) => {
    if (url.pathname === '/api/v1/health') return { body: HEALTH };
    if (url.pathname === '/api/v1/queries/schema') return { body: SCHEMA };
    if (url.pathname === '/api/v1/queries/saved') return { body: [] };
    if (url.pathname === '/api/v1/queries/assistant' && request.method === 'GET') return { body: { enabled } };
    if (url.pathname === '/api/v1/queries/assistant' && request.method === 'POST') {
      asked.push(await request.json());
      return answer;
    }
    return undefined;
  });
  return { asked, mock };
}

const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

describe('Query builder → assistant box', { timeout: 60_000 }, () => {
  it('fills the notebook with the proposed spec, for review, and runs nothing', async () => {
    const { asked, mock } = mockBuilder(true, { body: { spec: PROPOSED } });
    const user = setup();
    renderApp('/query', { as: 'analyst' });
    const box = await screen.findByTestId('assistant-box');
    await user.click(screen.getByLabelText('Вопрос помощнику'));
    await user.paste('Сколько клиентов с iOS по филиалам?');
    await user.click(screen.getByRole('button', { name: 'Составить запрос' }));
    expect(await screen.findByTestId('assistant-review')).toBeInTheDocument();
    expect(asked).toEqual([{ question: 'Сколько клиентов с iOS по филиалам?', language: 'ru' }]);
    // The steps now hold the spec: the source, the condition's value, the summary.
    await waitFor(() => expect(screen.getByTestId('source-select')).toHaveTextContent('feature_store'));
    expect(screen.getByDisplayValue('ios')).toBeInTheDocument();
    expect(box).toBeInTheDocument();
    const calls = mock.mock.calls.map(([input]) => `${(input as Request).method} ${new URL((input as Request).url).pathname}`);
    expect(calls).not.toContain('POST /api/v1/queries/run');
  });

  it('shows the refusal with its reason', async () => {
    mockBuilder(true, {
      status: 422,
      body: {
        error: 'InvalidInput',
        code: 'assistant.cannot_answer',
        detail: 'the model cannot answer this: no salary column',
        params: { reason: 'no salary column' },
        errors: [],
      },
    });
    const user = setup();
    renderApp('/query', { as: 'analyst' });
    await screen.findByTestId('assistant-box');
    await user.click(screen.getByLabelText('Вопрос помощнику'));
    await user.paste('Средняя зарплата?');
    await user.click(screen.getByRole('button', { name: 'Составить запрос' }));
    expect(await screen.findByText(/Помощник не может ответить по доступным таблицам: no salary column/)).toBeInTheDocument();
    expect(screen.queryByTestId('assistant-review')).not.toBeInTheDocument();
  });

  it('is hidden when the server has no model', async () => {
    mockBuilder(false, { body: {} });
    renderApp('/query', { as: 'analyst' });
    await screen.findByTestId('source-select');
    await waitFor(() => expect(screen.queryByTestId('assistant-box')).not.toBeInTheDocument());
  });
});
