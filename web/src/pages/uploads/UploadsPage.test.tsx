import { configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProviders } from '../../app/AppProviders';
import { session, type Role } from '../../auth/session';
import { createQueryClient } from '../../lib/queryClient';
import { type MockAnswer, mockFetch, requestsOf } from '../../test/renderApp';
import { installFetchXhr } from './testing';
import type { UploadReport, UploadSummary } from './types';
import { UploadsPage } from './UploadsPage';

const REPORT: UploadReport = {
  id: 'u1',
  filename: 'клиенты.csv',
  size_bytes: 160,
  format: 'csv',
  encoding: 'cp1251',
  delimiter: ';',
  sheet: null,
  sheets: null,
  has_header: true,
  iin_column: 'ИИН',
  mode: 'skip',
  purpose: 'audience',
  rows_total: 8,
  rows_valid: 6,
  rows_normalized: 1,
  rows_recoded: 0,
  recoded_rows: [],
  rows_invalid_format: 1,
  rows_bad_checksum: 1,
  rows_bin: 0,
  rows_empty: 0,
  rows_duplicate: 1,
  rows_blank: 0,
  unique_iins: 5,
  status: 'ready',
  dataset: 'upload_u1',
  owner: 'test-analyst',
  created_at: '2025-03-14T09:30:00Z',
  job_id: null,
  columns: [
    { name: 'ИИН', column: 'iin' },
    { name: 'Сумма', column: 'summa' },
  ],
  errors: [
    { row: 6, value: '610316300016', code: 'iin.reason.bad_checksum', params: {}, problem: 'bad_checksum' },
    { row: 7, value: '12-34', code: 'iin.reason.invalid_format', params: {}, problem: 'invalid_format' },
  ],
  preview: [
    { row: 2, values: ['610316300015', '1500'] },
    { row: 3, values: ['30101600003', '2000,50'] },
    { row: 6, values: ['610316300016', '10'] },
    { row: 7, values: ['12-34', null] },
  ],
};

function summaryOf(report: UploadReport): UploadSummary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { columns, errors, preview, ...summary } = report;
  return summary;
}

type Routes = Record<string, (request: Request) => MockAnswer | Promise<MockAnswer>>;

/** The backend: `METHOD /path` → answer; the list answers by default. */
function mockBackend(routes: Routes = {}, uploads: UploadSummary[] = [summaryOf(REPORT)]) {
  return mockFetch(async (url, request) => {
    const route = routes[`${request.method} ${url.pathname}`];
    if (route) return route(request);
    if (request.method === 'GET' && url.pathname === '/api/v1/uploads')
      return { body: { items: uploads, total: uploads.length } };
    return undefined;
  });
}

// Role queries are avoided on purpose: each one computes styles for the whole page, which takes
// minutes in jsdom under antd's style sheets. Text, label and test-id queries stand in for them.
// The report is a large antd tree: on a busy machine it takes seconds to appear in jsdom.
configure({ asyncUtilTimeout: 15_000 });

// user-event's pointer-events check calls getComputedStyle up the tree: slow under antd's styles.
const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

/**
 * The page alone (the shell around it, its navigation and role guard are tested with the app):
 * a smaller tree renders faster in jsdom, and the page's tests do not depend on other pages.
 */
function renderUploads(path = '/uploads', { as = 'analyst' }: { as?: Role } = {}) {
  session.signInForTests({ username: `test-${as}`, role: as, display_name: null });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: Infinity } });
  const router = createMemoryRouter([{ path: '/uploads', element: <UploadsPage /> }], { initialEntries: [path] });
  render(
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { router };
}

function dropzoneInput(): HTMLInputElement {
  const input = screen.getByTestId('upload-panel').querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file input in the drop zone');
  return input;
}

function csvFile(name = 'клиенты.csv'): File {
  return new File(['ИИН;Сумма\r\n610316300015;1500\r\n'], name, { type: 'text/csv' });
}

function count(key: string): string | null {
  return screen.getByTestId(`count-${key}`).textContent;
}

describe('Uploads page', { timeout: 60_000 }, () => {
  it('says which lines of a UTF-8 file were read as CP1251', async () => {
    const recoded = { ...REPORT, encoding: 'utf-8', rows_recoded: 2, recoded_rows: [3, 7] };
    mockBackend({ 'GET /api/v1/uploads/u1': () => ({ body: recoded }) });
    renderUploads('/uploads?upload=u1', { as: 'analyst' });
    const report = await screen.findByTestId('upload-report');
    expect(await within(report).findByTestId('report-recoded')).toHaveTextContent('строк в CP1251: 2');
  });

  it('names what it fixed in the IINs it accepted', async () => {
    const fixed = {
      ...REPORT,
      normalized_rows: [
        { row: 4, value: '421500150', normalized: '000421500150', fixes: ['iin.fix.excel_float', 'iin.fix.leading_zeros'] },
      ],
    };
    mockBackend({ 'GET /api/v1/uploads/u1': () => ({ body: fixed }) });
    renderUploads('/uploads?upload=u1', { as: 'analyst' });
    const table = await screen.findByTestId('report-normalized');
    const row = within(table).getByText('421500150').closest('tr') as HTMLElement;
    expect(within(row).getByText('000421500150')).toBeInTheDocument();
    expect(row).toHaveTextContent('убрана нулевая дробная часть; восстановлены ведущие нули, потерянные Excel');
  });

  it('opens a report from the list: counts as tags, the bad rows with reasons, the preview', async () => {
    const fetch = mockBackend({ 'GET /api/v1/uploads/u1': () => ({ body: REPORT }) });
    const user = setup();
    const { router } = renderUploads('/uploads', { as: 'analyst' });

    const list = await screen.findByTestId('uploads-list');
    const row = (await within(list).findByText('клиенты.csv')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Аудитория')).toBeInTheDocument();
    expect(within(row).getByTestId('upload-unique')).toHaveTextContent('5');
    expect(within(row).getByText('test-analyst')).toBeInTheDocument();
    await user.click(within(row).getByText('клиенты.csv'));

    const report = await screen.findByTestId('upload-report');
    expect(router.state.location.search).toBe('?upload=u1');
    expect(requestsOf(fetch)).toContain('GET /api/v1/uploads/u1');
    expect(count('rows_valid')).toBe('Верные: 6');
    expect(count('rows_normalized')).toBe('Исправлены: 1');
    expect(count('rows_invalid_format')).toBe('Неверный формат: 1');
    expect(count('rows_bad_checksum')).toBe('Неверная контрольная цифра: 1');
    expect(count('rows_bin')).toBe('БИН: 0');
    expect(count('rows_empty')).toBe('Пустые: 0');
    expect(count('rows_duplicate')).toBe('Повторы: 1');
    expect(count('unique_iins')).toBe('Уникальных ИИН: 5');
    // Red where there is a problem, grey where there is none.
    expect(screen.getByTestId('count-rows_bad_checksum').className).toMatch(/red/);
    expect(screen.getByTestId('count-rows_bin').className).not.toMatch(/orange/);
    expect(screen.getByTestId('count-rows_valid').className).toMatch(/green/);

    expect(within(report).getByTestId('report-encoding')).toHaveTextContent('cp1251');
    expect(within(report).queryByTestId('report-recoded')).toBeNull();
    expect(within(report).getByTestId('report-iin-column')).toHaveTextContent('ИИН');
    expect(within(report).getByTestId('report-status')).toHaveTextContent('Принят');

    const errors = within(screen.getByTestId('report-errors'));
    const checksum = errors.getByText('610316300016').closest('tr') as HTMLElement;
    expect(within(checksum).getByText('6')).toBeInTheDocument();
    expect(within(checksum).getByText('контрольная цифра не сходится')).toBeInTheDocument();
    const format = errors.getByText('12-34').closest('tr') as HTMLElement;
    expect(within(format).getByText('Неверный формат')).toBeInTheDocument();
    expect(within(format).getByText(/^не ИИН: нужно 12 цифр/)).toBeInTheDocument();

    const preview = within(screen.getByTestId('report-preview'));
    expect(preview.getAllByText('Сумма').length).toBeGreaterThan(0);
    expect(preview.getByText('2000,50')).toBeInTheDocument();
    expect(preview.getByText('30101600003')).toBeInTheDocument();
  });

  it('uploads a dropped file with the chosen options, shows progress, then the report', async () => {
    const { forms } = installFetchXhr();
    let answer!: (value: MockAnswer) => void;
    const fetch = mockBackend({
      // The answer waits until the test has seen the progress.
      'POST /api/v1/uploads': () => new Promise<MockAnswer>((resolve) => (answer = resolve)),
    });
    const user = setup();
    const { router } = renderUploads('/uploads', { as: 'analyst' });
    await screen.findByTestId('upload-panel');

    // antd's radio buttons are labels over hidden inputs: click the label, as a person does.
    await user.click(screen.getByText('Стоп-лист'));
    await user.click(screen.getByText('Строгий режим'));
    await user.upload(dropzoneInput(), csvFile());

    await waitFor(() => expect(screen.getByTestId('upload-progress')).toHaveAttribute('data-phase', 'checking'));
    expect(screen.getByText('Проверка файла…')).toBeInTheDocument();
    answer({ status: 201, body: { ...REPORT, purpose: 'suppression', mode: 'strict' } });

    expect(await screen.findByTestId('upload-report')).toBeInTheDocument();
    expect(screen.getByTestId('upload-done')).toHaveTextContent('Файл «клиенты.csv» загружен, уникальных ИИН: 5.');
    expect(count('unique_iins')).toBe('Уникальных ИИН: 5');
    expect(router.state.location.search).toBe('?upload=u1');
    expect(screen.queryByTestId('upload-progress')).not.toBeInTheDocument();

    expect(forms).toHaveLength(1);
    const form = forms[0] as FormData;
    expect(form.get('purpose')).toBe('suppression');
    expect(form.get('mode')).toBe('strict');
    expect(form.get('iin_column')).toBeNull();
    expect((form.get('file') as File).name).toBe('клиенты.csv');
    // The report came with the answer: not asked for again. The list was refreshed.
    expect(requestsOf(fetch)).not.toContain('GET /api/v1/uploads/u1');
    expect(requestsOf(fetch).filter((r) => r === 'GET /api/v1/uploads').length).toBeGreaterThanOrEqual(2);
  });

  it('asks for the IIN column when the server finds several, and sends the file again with it', async () => {
    const { forms } = installFetchXhr();
    let posts = 0;
    mockBackend({
      'POST /api/v1/uploads': () => {
        posts += 1;
        if (posts === 1)
          return {
            status: 422,
            body: {
              error: 'InvalidInput',
              code: 'upload.several_iin_columns',
              params: { columns: "'iin', 'client_iin'" },
              detail: "more than one column holds IINs ('iin', 'client_iin'): say which one with iin_column",
              candidates: ['iin', 'client_iin'],
              columns: ['iin', 'client_iin', 'amount'],
            },
          };
        return { status: 201, body: { ...REPORT, iin_column: 'client_iin' } };
      },
    });
    const user = setup();
    renderUploads('/uploads', { as: 'analyst' });
    await screen.findByTestId('upload-panel');
    await user.upload(dropzoneInput(), csvFile('two-iins.csv'));

    const problem = await screen.findByTestId('upload-problem');
    expect(problem).toHaveTextContent('ИИН есть в нескольких столбцах — выберите нужный');
    const picker = within(problem).getByTestId('picker-column');
    // Only the candidates are offered, not every column.
    await user.click(within(picker).getByLabelText('Столбец ИИН'));
    await screen.findByTitle('client_iin');
    const options = [...document.querySelectorAll('.ant-select-item-option')].map((option) => option.textContent);
    expect(options).toEqual(['iin', 'client_iin']);
    await user.click(screen.getByTitle('client_iin'));
    await user.click(within(picker).getByText('Загрузить снова'));

    expect(await screen.findByTestId('upload-report')).toBeInTheDocument();
    expect(screen.getByTestId('report-iin-column')).toHaveTextContent('client_iin');
    expect(forms).toHaveLength(2);
    expect(forms[1]?.get('iin_column')).toBe('client_iin');
    expect((forms[1]?.get('file') as File).name).toBe('two-iins.csv');
    expect(screen.queryByTestId('upload-problem')).not.toBeInTheDocument();
  });

  it('deletes an upload after confirmation', async () => {
    let deleted = false;
    const fetch = mockBackend({
      'GET /api/v1/uploads/u1': () => ({ body: REPORT }),
      'DELETE /api/v1/uploads/u1': () => {
        deleted = true;
        return { status: 204 };
      },
      'GET /api/v1/uploads': () => {
        const items = deleted ? [] : [summaryOf(REPORT)];
        return { body: { items, total: items.length } };
      },
    });
    const user = setup();
    const { router } = renderUploads('/uploads?upload=u1', { as: 'analyst' });
    await screen.findByTestId('upload-report');

    await user.click(await screen.findByLabelText('Удалить клиенты.csv'));
    const confirm = (await screen.findByText('Удалить загрузку «клиенты.csv»?')).closest('.ant-popover') as HTMLElement;
    expect(confirm).toHaveTextContent('Набор данных upload_u1 и отчёт будут удалены безвозвратно.');
    expect(requestsOf(fetch)).not.toContain('DELETE /api/v1/uploads/u1');
    await user.click(within(confirm).getByText('Удалить'));

    await waitFor(() => expect(requestsOf(fetch)).toContain('DELETE /api/v1/uploads/u1'));
    expect(await screen.findByText('Загрузка «клиенты.csv» удалена.')).toBeInTheDocument();
    expect(await screen.findByText('Загрузок пока нет.')).toBeInTheDocument();
    // The report of the deleted upload is gone too.
    await waitFor(() => expect(screen.queryByTestId('upload-report')).not.toBeInTheDocument());
    expect(router.state.location.search).toBe('');
  });

  it('follows a large file through its job, showing the job progress', async () => {
    installFetchXhr();
    let polls = 0;
    mockBackend({
      'POST /api/v1/uploads': () => ({ status: 202, body: { job_id: 'j1', status: 'queued', upload_id: 'u1' } }),
      'GET /api/v1/jobs/j1': () => {
        polls += 1;
        const base = {
          id: 'j1',
          kind: 'upload',
          owner: 'test-analyst',
          created_at: '2025-03-14T09:30:00Z',
          started_at: '2025-03-14T09:30:00Z',
          error: null,
        };
        if (polls === 1)
          return {
            body: { ...base, status: 'running', progress: 0.5,
              stage: { code: 'job.stage.validate', done: 2, total: 4 }, result: null, finished_at: null },
          };
        return {
          body: { ...base, status: 'succeeded', progress: 1, stage: { code: 'job.stage.done' }, result: REPORT, finished_at: '2025-03-14T09:31:00Z' },
        };
      },
    });
    const user = setup();
    renderUploads('/uploads', { as: 'analyst' });
    await screen.findByTestId('upload-panel');
    await user.upload(dropzoneInput(), csvFile('big.csv'));

    await waitFor(() => expect(screen.getByTestId('upload-progress')).toHaveAttribute('data-percent', '50'));
    expect(screen.getByTestId('upload-progress')).toHaveTextContent('Обработка на сервере');
    expect(screen.getByTestId('upload-progress')).toHaveTextContent('Проверка ИИН');
    expect(await screen.findByTestId('upload-report')).toBeInTheDocument();
    expect(polls).toBe(2);
  });

  it('says what the server said about a refused file: the size limit, or the strict-mode report', async () => {
    installFetchXhr();
    let posts = 0;
    mockBackend({
      'POST /api/v1/uploads': () => {
        posts += 1;
        if (posts === 1)
          return {
            status: 413,
            body: {
              error: 'PayloadTooLarge',
              code: 'upload.too_large',
              params: { max_mb: 50 },
              detail: 'the file is larger than 50 MB, the upload limit (DQ_UPLOAD_MAX_MB)',
            },
          };
        return {
          status: 422,
          body: {
            error: 'InvalidInput',
            code: 'upload.strict_rejected',
            params: { bad: 2, total: 8 },
            detail: 'strict mode: 2 of 8 rows are not valid IINs (see report.errors); nothing was stored',
            report: { ...REPORT, id: null, dataset: null, status: 'rejected', mode: 'strict' },
          },
        };
      },
    });
    const user = setup();
    renderUploads('/uploads', { as: 'analyst' });
    await screen.findByTestId('upload-panel');

    await user.upload(dropzoneInput(), csvFile('huge.csv'));
    const tooLarge = await screen.findByTestId('upload-problem');
    expect(tooLarge).toHaveTextContent('Файл слишком большой');
    expect(tooLarge).toHaveTextContent('Файл больше допустимых 50 МБ.');

    await user.upload(dropzoneInput(), csvFile('strict.csv'));
    await waitFor(() => expect(screen.getByTestId('upload-problem')).toHaveTextContent('Файл отклонён'));
    expect(screen.getByTestId('upload-problem')).toHaveTextContent('Строгий режим: 2 из 8 строк — не ИИН');
    const report = await screen.findByTestId('upload-report');
    expect(within(report).getByTestId('report-status')).toHaveTextContent('Отклонён');
    expect(count('rows_bad_checksum')).toBe('Неверная контрольная цифра: 1');
  });

  it('shows a user the list and the reports, without the upload form or delete', async () => {
    mockBackend({ 'GET /api/v1/uploads/u1': () => ({ body: REPORT }) });
    renderUploads('/uploads?upload=u1', { as: 'user' });
    expect(await screen.findByTestId('upload-report')).toBeInTheDocument();
    expect(await within(screen.getByTestId('uploads-list')).findByText('клиенты.csv')).toBeInTheDocument();
    expect(screen.getByText(/вам доступен только просмотр/)).toBeInTheDocument();
    expect(screen.queryByTestId('upload-panel')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Удалить клиенты.csv')).not.toBeInTheDocument();
  });
});
