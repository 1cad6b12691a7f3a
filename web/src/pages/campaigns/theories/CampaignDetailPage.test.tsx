import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import i18n from '../../../i18n';
import { requestsOf } from '../../../test/renderApp';
import type { MembersReport } from './api';
import { campaign, experimentArms, mockCampaignsApi, renderTheories, SPLIT, stats } from './testing';

// jsdom has no layout for ECharts to draw in: a chart is its accessible name here.
vi.mock('../../../components/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} data-testid="echart" />,
}));

configure({ asyncUtilTimeout: 15_000 });

const setup = () => userEvent.setup({ pointerEventsCheck: 0 });

const CODE = 'C000000101';
const PATH = `/campaigns/${CODE}`;

async function fill(user: ReturnType<typeof setup>, input: HTMLElement, text: string) {
  await user.click(input);
  await user.paste(text);
}

const REPORT: MembersReport = {
  code: CODE,
  group: 'target',
  action: 'add',
  received: 5,
  valid: 3,
  invalid: 1,
  duplicate: 1,
  normalized: 1,
  already_member: 1,
  global_control: 0,
  not_member: 0,
  changed: 2,
  blocked: [],
  blocked_total: 0,
  forced: false,
  channels: { push: { eligible: 2, dropped: 0, reasons: {} } },
  invalid_examples: [{ input: '12-34', code: 'iin.reason.invalid_format', params: {} }],
  target_count: 90002,
  control_count: 10000,
};

describe("Active Theories: a campaign's page", { timeout: 60_000 }, () => {
  it('shows the header, the split, sizes, drop-outs, contacts, history and texts', async () => {
    const { mock } = mockCampaignsApi();
    renderTheories(PATH, { as: 'user' });

    const detail = within(await screen.findByTestId('campaign-detail'));
    expect(detail.getByTestId('detail-code')).toHaveTextContent(CODE);
    expect(detail.getByTestId('detail-name')).toHaveTextContent('Кэшбэк на АЗС');
    expect(detail.getByTestId('detail-type')).toHaveTextContent('RB1');
    expect(detail.getAllByTestId('campaign-status')[0]).toHaveTextContent('Активна');
    expect(await detail.findByText('Маркет (market)')).toBeInTheDocument();
    expect(detail.getByTestId('detail-period')).toHaveTextContent('01.03.2025 – 31.03.2025');
    expect(detail.getByTestId('detail-owner')).toHaveTextContent('test-analyst');

    // Split: sizes, the SRM p-value, the verdict.
    const split = within(await screen.findByTestId('campaign-split'));
    expect(split.getByTestId('split-target')).toHaveTextContent(`90 000`);
    expect(split.getByTestId('split-control')).toHaveTextContent(`10 000`);
    expect(split.getByTestId('split-p-value')).toHaveTextContent('0,92');
    expect(split.getByTestId('split-verdict')).toHaveTextContent('Соотношение групп в норме');
    expect(split.getByText('Посчитано по развёрнутым таблицам')).toBeInTheDocument();

    // Sizes per group and delivery rows per channel.
    const sizes = within(screen.getByTestId('campaign-sizes'));
    expect(sizes.getByTestId('group-target')).toHaveTextContent(`90 000`);
    expect(sizes.getByTestId('channel-push')).toHaveTextContent(`81 000`);
    expect(sizes.getByTestId('channel-sms')).toHaveTextContent(`70 000`);

    const dropouts = within(screen.getByTestId('campaign-dropouts'));
    expect(dropouts.getByTestId('dropped-push')).toHaveTextContent(`9 000`);
    expect(dropouts.getByTestId('dropped-sms')).toHaveTextContent(`20 000`);

    expect(within(screen.getByTestId('campaign-contacts')).getByTestId('echart')).toHaveAccessibleName(
      /^Контакты по дням: всего 151\s000 за 1 дн\., с 01\.03\.2025 по 01\.03\.2025\.$/,
    );

    const history = within(screen.getByTestId('campaign-history'));
    const events = history.getAllByTestId('history-event');
    expect(events.map((e) => e.dataset.kind)).toEqual(['created', 'deployed', 'status']);
    expect(events[1]).toHaveTextContent(`Целевая: 90 000, контрольная: 10 000`);
    expect(events[2]).toHaveTextContent('«Развёрнута» → «Активна»');
    expect(events[2]).toHaveTextContent('Причина: старт акции');
    expect(events[2]).toHaveTextContent('test-admin');

    const texts = within(screen.getByTestId('campaign-texts'));
    expect(texts.getByText('Кэшбэк 10%')).toBeInTheDocument();
    expect(texts.getByText('Заправляйтесь с картой и получайте кэшбэк')).toBeInTheDocument();
    expect(texts.getByText(/SMS: 1 сегм\. по 70 симв\./)).toBeInTheDocument();

    expect(requestsOf(mock)).toEqual(
      expect.arrayContaining([`GET /api/v1/campaigns/${CODE}`, `GET /api/v1/campaigns/${CODE}/stats`]),
    );
  });

  it('flags a sample-ratio mismatch', async () => {
    const mismatch = { ...SPLIT, srm_p_value: 0.00001, mismatch: true, observed_control_share: 0.13 };
    mockCampaignsApi({ [`GET /api/v1/campaigns/${CODE}/stats`]: () => ({ body: stats({ split: mismatch }) }) });
    renderTheories(PATH);
    const split = within(await screen.findByTestId('campaign-split'));
    expect(split.getByTestId('split-verdict')).toHaveTextContent('Соотношение групп нарушено (SRM)');
    expect(split.getByTestId('split-verdict').className).toMatch(/red/);
    expect(split.getByTestId('split-p-value')).toHaveTextContent('1,0e-5');
  });

  it("shows an RB3 campaign in Kazakh, its bonus terms in tenge and the bank's date format", async () => {
    await i18n.changeLanguage('kk');
    const rb3 = {
      bonus_type: 'fixed' as const,
      bonus_value: '5000.00',
      bonus_cap: '20000.50',
      min_txn_amount: '15000.00',
      mcc_codes: ['5541'],
      partner: 'Helios',
      accrual_start: '2025-03-01',
      accrual_end: '2025-03-31',
      conditions_ru: 'Условия',
      conditions_kz: 'Шарттар',
    };
    mockCampaignsApi({ [`GET /api/v1/campaigns/${CODE}`]: () => ({ body: campaign({ type: 'RB3', rb3 }) }) });
    renderTheories(PATH);
    const terms = within(await screen.findByTestId('campaign-rb3'));
    expect(terms.getByText('RB3 бонусы')).toBeInTheDocument();
    expect(terms.getByText('Тіркелген сома')).toBeInTheDocument();
    // getByText compares with the spaces normalised; lib/format's tests check the exact ones.
    expect(terms.getByText('5 000 ₸')).toBeInTheDocument();
    expect(terms.getByText('20 000,50 ₸')).toBeInTheDocument();
    expect(terms.getByText('15 000 ₸')).toBeInTheDocument();
    expect(terms.getByText('01.03.2025 – 31.03.2025')).toBeInTheDocument();
    const detail = within(screen.getByTestId('campaign-detail'));
    expect(detail.getAllByTestId('campaign-status')[0]).toHaveTextContent('Белсенді');
    expect(within(await screen.findByTestId('campaign-split')).getByTestId('split-p-value')).toHaveTextContent('0,92');
  });

  it('shows a cashback bonus as a percent of the purchase, its cap in tenge', async () => {
    const rb3 = { bonus_type: 'cashback_pct' as const, bonus_value: '12.50', bonus_cap: '3000.00', mcc_codes: [] };
    mockCampaignsApi({ [`GET /api/v1/campaigns/${CODE}`]: () => ({ body: campaign({ type: 'RB3', rb3 }) }) });
    renderTheories(PATH);
    const terms = within(await screen.findByTestId('campaign-rb3'));
    expect(terms.getByText(/^12,5\s%$/)).toBeInTheDocument();
    expect(terms.getByText('3 000 ₸')).toBeInTheDocument();
  });

  it("tells the server's warnings in the interface language, an unknown one as the server wrote it", async () => {
    const warnings = [
      { code: 'notice.campaign.no_control', message: 'control_share is 0: without a control group the effect is not measurable' },
      { code: 'something_new', message: 'a warning this page does not know yet' },
    ];
    mockCampaignsApi({ [`GET /api/v1/campaigns/${CODE}`]: () => ({ body: campaign({ warnings }) }) });
    renderTheories(PATH);
    const shown = await screen.findByTestId('campaign-warnings');
    expect(shown).toHaveTextContent('Доля контрольной группы — 0: без контрольной группы эффект не измерить.');
    expect(shown).toHaveTextContent('a warning this page does not know yet');
    expect(shown).not.toHaveTextContent('control_share is 0');
  });

  it('lets a user only read and export', async () => {
    mockCampaignsApi({
      [`GET /api/v1/campaigns/${CODE}`]: () => ({ body: campaign({ can_edit: false, allowed_statuses: [] }) }),
    });
    renderTheories(PATH, { as: 'user' });
    await screen.findByTestId('campaign-detail');
    expect(screen.getByTestId('action-copy')).toBeDisabled();
    expect(screen.getByTestId('action-status')).toBeDisabled();
    expect(screen.getByTestId('action-members')).toBeDisabled();
    expect(screen.getByTestId('action-delete')).toBeDisabled();
    expect(screen.getByTestId('action-export')).toBeEnabled();
  });

  it("lets an analyst copy another's campaign but not change it", async () => {
    mockCampaignsApi({
      [`GET /api/v1/campaigns/${CODE}`]: () => ({
        body: campaign({ owner: 'bob', can_edit: false, allowed_statuses: [] }),
      }),
    });
    renderTheories(PATH, { as: 'analyst' });
    await screen.findByTestId('campaign-detail');
    expect(screen.getByTestId('action-copy')).toBeEnabled();
    expect(screen.getByTestId('action-status')).toBeDisabled();
    expect(screen.getByTestId('action-members')).toBeDisabled();
    expect(screen.getByTestId('action-delete')).toBeDisabled();
    expect(screen.getByTestId('action-export')).toBeEnabled();
  });

  it("lets an analyst manage their own campaign, by its state: a draft has no members to change or export", async () => {
    mockCampaignsApi({
      [`GET /api/v1/campaigns/${CODE}`]: () => ({
        body: campaign({ status: 'draft', effective_status: 'draft', deployed_at: null, allowed_statuses: ['cancelled'] }),
      }),
    });
    renderTheories(PATH, { as: 'analyst' });
    await screen.findByTestId('campaign-detail');
    expect(screen.getByTestId('action-status')).toBeEnabled();
    expect(screen.getByTestId('action-members')).toBeDisabled();
    expect(screen.getByTestId('action-export')).toBeDisabled();
    expect(screen.getByTestId('action-delete')).toBeDisabled();
  });

  it('lets an admin do everything', async () => {
    mockCampaignsApi();
    renderTheories(PATH, { as: 'admin' });
    await screen.findByTestId('campaign-detail');
    for (const id of ['action-copy', 'action-status', 'action-members', 'action-export', 'action-delete'])
      expect(screen.getByTestId(id)).toBeEnabled();
  });

  it('copies a campaign under the name asked for and opens the wizard on the copy', async () => {
    const copy = campaign({ code: 'C000000150', status: 'draft', effective_status: 'draft', copied_from: CODE });
    const { calls } = mockCampaignsApi({
      [`POST /api/v1/campaigns/${CODE}/copy`]: () => ({ status: 201, body: copy }),
    });
    const user = setup();
    const { router } = renderTheories(PATH, { as: 'analyst' });
    await user.click(await screen.findByTestId('action-copy'));
    // Nothing is copied before the name is confirmed.
    const name = await screen.findByTestId('copy-name');
    expect(name).toHaveValue(`Копия: ${campaign().name}`);
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    await user.clear(name);
    await user.type(name, 'Зимняя волна');
    await user.click(screen.getByRole('button', { name: 'Копировать и открыть' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/campaigns/new'));
    expect(router.state.location.search).toBe('?draft=C000000150');
    expect(await screen.findByTestId('wizard')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      expect.objectContaining({ method: 'POST', body: { name: 'Зимняя волна' } }),
    ]);
    expect(await screen.findByText('Создан черновик C000000150 — копия C000000101')).toBeInTheDocument();
  });

  it('offers "Продолжить" on a draft, opening it in the wizard', async () => {
    const draft = campaign({ status: 'draft', effective_status: 'draft' });
    mockCampaignsApi({ [`GET /api/v1/campaigns/${CODE}`]: () => ({ body: draft }) });
    const user = setup();
    const { router } = renderTheories(PATH, { as: 'analyst' });
    await user.click(await screen.findByTestId('action-resume'));
    await waitFor(() => expect(router.state.location.search).toBe(`?draft=${CODE}`));
  });

  it('changes the status after a confirmation, with a reason', async () => {
    const { calls } = mockCampaignsApi({
      [`POST /api/v1/campaigns/${CODE}/status`]: () => ({ body: campaign({ status: 'finished', effective_status: 'finished' }) }),
    });
    const user = setup();
    renderTheories(PATH, { as: 'analyst' });
    await user.click(await screen.findByTestId('action-status'));
    // The only status allowed now is taken; nothing is sent before the confirmation.
    expect(await screen.findByText(/Кампания завершается сегодня/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    await fill(user, screen.getByLabelText('Причина (необязательно)'), 'бюджет исчерпан');
    await user.click(screen.getByTestId('status-confirm'));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url.pathname, c.body])).toEqual([
        [`/api/v1/campaigns/${CODE}/status`, { status: 'finished', reason: 'бюджет исчерпан' }],
      ]),
    );
    expect(await screen.findByText('Кампания C000000101: статус «Завершена»')).toBeInTheDocument();
  });

  it('adds pasted IINs to the target group and shows the report', async () => {
    const { calls } = mockCampaignsApi({
      [`POST /api/v1/campaigns/${CODE}/members`]: () => ({ body: REPORT }),
    });
    const user = setup();
    renderTheories(PATH, { as: 'analyst' });
    await user.click(await screen.findByTestId('action-members'));
    const box = await screen.findByTestId('members-iins');
    await fill(user, box, '610316300015\n30101600003; 6,1211600012E+11, 12-34 610316300015');
    expect(screen.getByTestId('members-recognized')).toHaveTextContent('Значений: 5');
    await user.click(screen.getByTestId('members-submit'));

    const report = within(await screen.findByTestId('members-report'));
    expect(report.getByTestId('members-changed')).toHaveTextContent('Добавлено: 2');
    expect(report.getByText(`Теперь в целевой 90 002, в контрольной 10 000.`)).toBeInTheDocument();
    expect(report.getByTestId('members-count-received')).toHaveTextContent('Получено: 5');
    expect(report.getByTestId('members-count-invalid')).toHaveTextContent('Неверные: 1');
    expect(report.getByTestId('members-count-invalid').className).toMatch(/red/);
    expect(report.getByTestId('members-count-duplicate')).toHaveTextContent('Повторы: 1');
    expect(report.getByTestId('members-count-already_member')).toHaveTextContent('Уже в кампании: 1');
    expect(report.getByTestId('members-count-global_control')).toHaveTextContent('В глобальном контроле: 0');
    expect(report.queryByTestId('members-count-not_member')).not.toBeInTheDocument();
    expect(report.getByText('12-34')).toBeInTheDocument();
    expect(report.getByText(/^не ИИН: нужно 12 цифр/)).toBeInTheDocument();

    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url.pathname, c.body])).toEqual([
      [
        `/api/v1/campaigns/${CODE}/members`,
        {
          iins: ['610316300015', '30101600003', '6,1211600012E+11', '12-34', '610316300015'],
          group: 'target',
          force: false,
        },
      ],
    ]);
  });

  it("removes an upload's IINs from the control group", async () => {
    const upload = {
      id: 'u1',
      filename: 'отток.xlsx',
      status: 'ready',
      unique_iins: 120,
      created_at: '2025-03-14T09:30:00Z',
    };
    const { calls, mock } = mockCampaignsApi({
      'GET /api/v1/uploads': () => ({ body: { items: [upload], total: 1 } }),
      [`POST /api/v1/campaigns/${CODE}/members/remove`]: () => ({
        body: { ...REPORT, action: 'remove', group: 'control', changed: 118, not_member: 2, invalid_examples: [] },
      }),
    });
    const user = setup();
    renderTheories(PATH, { as: 'analyst' });
    await user.click(await screen.findByTestId('action-members'));
    await user.click(await screen.findByText('Исключить'));
    await user.click(screen.getByText(/^Контрольная · /));
    await user.click(screen.getByText('Из загрузки'));
    await user.click(await screen.findByLabelText('Загрузка'));
    await user.click(await screen.findByTitle(/^отток\.xlsx · 120 ИИН/));
    await user.click(screen.getByTestId('members-submit'));

    const report = within(await screen.findByTestId('members-report'));
    expect(report.getByTestId('members-changed')).toHaveTextContent('Исключено: 118');
    expect(report.getByTestId('members-count-not_member')).toHaveTextContent('Не были в группе: 2');
    expect(requestsOf(mock)).toContain('GET /api/v1/uploads');
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.url.pathname, c.body])).toEqual([
      [`/api/v1/campaigns/${CODE}/members/remove`, { upload_id: 'u1', group: 'control', force: false }],
    ]);
  });

  it('says why members were not changed', async () => {
    mockCampaignsApi({
      [`POST /api/v1/campaigns/${CODE}/members`]: () => ({
        status: 409,
        body: { error: 'Conflict', code: 'campaign.busy', detail: `campaign ${CODE} is being changed` },
      }),
    });
    const user = setup();
    renderTheories(PATH, { as: 'admin' });
    await user.click(await screen.findByTestId('action-members'));
    await fill(user, await screen.findByTestId('members-iins'), '610316300015');
    await user.click(screen.getByTestId('members-submit'));
    expect(await screen.findByText(/Кампанию сейчас изменяет другой запрос/)).toBeInTheDocument();
    expect(screen.queryByTestId('members-report')).not.toBeInTheDocument();
  });

  it('exports a group through a signed link the browser downloads itself (no token in the URL)', async () => {
    const followed: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      followed.push({ href: this.getAttribute('href') ?? '', download: this.download });
    });
    const url = '/api/v1/campaigns/exports/signed.token';
    const { calls, mock } = mockCampaignsApi({
      [`POST /api/v1/campaigns/${CODE}/export-link`]: () => ({
        body: { url, expires_at: '2026-12-06T10:02:00Z', filename: `${CODE}_control.csv` },
      }),
    });
    const user = setup();
    renderTheories(PATH, { as: 'user' });
    await user.click(await screen.findByTestId('action-export'));
    await user.click(await screen.findByText('CSV'));
    await user.click(screen.getByText(/^Контрольная · 10/));
    await user.click(screen.getByTestId('export-confirm'));

    await waitFor(() => expect(followed).toEqual([{ href: url, download: `${CODE}_control.csv` }]));
    const asked = calls.find((c) => c.url.pathname.endsWith('/export-link'));
    expect(asked?.body).toEqual({ format: 'csv', group: 'control' });
    const request = mock.mock.calls.map(([input]) => input as Request).find((r) => r.url.includes('/export-link'));
    expect(request?.headers.get('Authorization')).toMatch(/^Bearer /);
    expect(await screen.findByText(`Файл ${CODE}_control.csv сохранён`)).toBeInTheDocument();
  });

  it('writes a large XLSX as a job, showing its progress, then downloads it', async () => {
    const followed: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      followed.push(this.download);
    });
    let polls = 0;
    const job = { id: 'j9', kind: 'campaign.export', owner: 'test-user', created_at: '2026-12-06T10:00:00Z', started_at: null, error: null };
    mockCampaignsApi({
      [`POST /api/v1/campaigns/${CODE}/export-link`]: () => ({ status: 202, body: { job_id: 'j9', rows: 200_000 } }),
      'GET /api/v1/jobs/j9': () => {
        polls += 1;
        if (polls === 1)
          return {
            body: { ...job, status: 'running', progress: 0.5, stage: { code: 'job.stage.export_rows', done: 100_000, total: 200_000 }, result: null, finished_at: null },
          };
        const link = { url: '/api/v1/campaigns/exports/t', expires_at: '2026-12-06T10:02:00Z', filename: `${CODE}_all.xlsx` };
        return { body: { ...job, status: 'succeeded', progress: 1, stage: null, result: link, finished_at: '2026-12-06T10:00:09Z' } };
      },
    });
    const user = setup();
    renderTheories(PATH, { as: 'user' });
    await user.click(await screen.findByTestId('action-export'));
    await user.click(screen.getByTestId('export-confirm'));
    expect(await screen.findByTestId('export-progress')).toHaveAttribute('data-percent', '50');
    expect(screen.getByTestId('export-progress')).toHaveTextContent(/Запись файла: 100\s000 из 200\s000 строк/);
    await waitFor(() => expect(followed).toEqual([`${CODE}_all.xlsx`]));
  });

  it("deletes a campaign with the admin's password: a wrong one is said in the dialog", async () => {
    let attempts = 0;
    const { calls } = mockCampaignsApi({
      [`DELETE /api/v1/campaigns/${CODE}`]: () => {
        attempts += 1;
        return attempts === 1
          ? { status: 403, body: { error: 'PermissionDenied', code: 'auth.wrong_password', detail: 'the password is incorrect' } }
          : { body: { code: CODE, rows: { mb01_camp_dict: 1 } } };
      },
    });
    const user = setup();
    const { router } = renderTheories(PATH, { as: 'admin' });
    await user.click(await screen.findByTestId('action-delete'));
    const confirm = await screen.findByTestId('delete-confirm');
    expect(confirm).toBeDisabled();

    await fill(user, screen.getByTestId('delete-password'), 'wrong-one');
    await user.click(confirm);
    const alert = await screen.findByText('Неверный пароль.');
    expect(alert.closest('.ant-modal')).not.toBeNull();
    expect(router.state.location.pathname).toBe(PATH);

    // The wrong password is selected, the cursor in the field: the admin just types again.
    const password = screen.getByTestId<HTMLInputElement>('delete-password');
    await waitFor(() => expect(password).toHaveFocus());
    expect(password.value).toBe('wrong-one');
    expect([password.selectionStart, password.selectionEnd]).toEqual([0, 'wrong-one'.length]);
    await user.keyboard('admin-password-1');
    expect(password).toHaveValue('admin-password-1');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/campaigns'));
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.body)).toEqual([
      { password: 'wrong-one' },
      { password: 'admin-password-1' },
    ]);
    expect(await screen.findByText('Кампания C000000101 удалена')).toBeInTheDocument();
    expect(await screen.findByTestId('theories-table')).toBeInTheDocument();
  });

  it('says when the campaign does not exist', async () => {
    mockCampaignsApi({
      'GET /api/v1/campaigns/C000000404': () => ({
        status: 404,
        body: { error: 'NotFound', code: 'campaign.not_found', params: { campaign: 'C000000404' }, detail: "campaign 'C000000404' does not exist" },
      }),
    });
    renderTheories('/campaigns/C000000404');
    expect(await screen.findByText('Кампания не найдена')).toBeInTheDocument();
    expect(screen.getByText(/Кампании C000000404 нет/)).toBeInTheDocument();
  });
});

describe("Active Theories: a campaign's A/B/n experiment", { timeout: 60_000 }, () => {
  const draft = { status: 'draft' as const, effective_status: 'draft' as const, deployed_at: null, allowed_statuses: ['cancelled'] };

  it("shows a multi-arm draft's arms and creates their campaigns", async () => {
    let created = false;
    const { calls } = mockCampaignsApi({
      [`GET /api/v1/campaigns/${CODE}`]: () => ({
        body: campaign({
          ...draft,
          experiment: created ? CODE : null,
          arm: created ? 'A' : null,
          arms: created ? experimentArms() : experimentArms({ b: null, c: null }),
        }),
      }),
      [`POST /api/v1/campaigns/${CODE}/arms`]: () => {
        created = true;
        return { status: 201, body: experimentArms() };
      },
    });
    const user = setup();
    renderTheories(PATH);

    const card = within(await screen.findByTestId('campaign-arms'));
    expect(card.getByText('Эксперимент A/B/n')).toBeInTheDocument();
    expect(card.getByText(/Разбиение черновика: контроль и плечи A, B, C\./)).toBeInTheDocument();
    expect(card.getByTestId('arms-control')).toHaveTextContent('20 000');
    expect(card.getByTestId('arms-lead')).toHaveTextContent(CODE);
    const rows = card.getAllByTestId('arm-row');
    expect(rows.map((row) => row.dataset.arm)).toEqual(['A', 'B', 'C']);
    expect(rows[0]).toHaveTextContent('ведущая');
    expect(rows[0]).toHaveTextContent('Черновик');
    expect(rows[1]).toHaveTextContent('не создана');
    expect(within(rows[1] as HTMLElement).getByTestId('arm-target')).toHaveTextContent('26 500');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);

    await user.click(card.getByTestId('arms-create'));
    expect(await screen.findByText('Созданы кампании плеч: C000000103, C000000104')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual([`/api/v1/campaigns/${CODE}/arms`]);
    // The campaign is asked again: its arms now have codes, linked to their pages, and none is to create.
    const b = await screen.findByRole('link', { name: 'C000000103' });
    expect(b).toHaveAttribute('href', '/campaigns/C000000103');
    expect(screen.getByRole('link', { name: 'C000000104' })).toHaveAttribute('href', '/campaigns/C000000104');
    expect(screen.queryByTestId('arms-create')).not.toBeInTheDocument();
    expect(screen.getByTestId('campaign-arms')).toHaveTextContent('Ведущая кампания эксперимента');
    expect(screen.getByTestId('detail-arm')).toHaveTextContent('A/B/n · A');
  });

  it("says why creating the arms was refused, in the interface's words", async () => {
    mockCampaignsApi({
      [`GET /api/v1/campaigns/${CODE}`]: () => ({ body: campaign({ ...draft, arms: experimentArms({ b: null, c: null }) }) }),
      [`POST /api/v1/campaigns/${CODE}/arms`]: () => ({
        status: 409,
        body: {
          error: 'Conflict',
          code: 'campaign.experiment.single_arm',
          params: { campaign: CODE },
          detail: 'splits into one target group',
        },
      }),
    });
    const user = setup();
    renderTheories(PATH);
    await user.click(await screen.findByTestId('arms-create'));
    expect(
      await screen.findByText(`У кампании ${CODE} одна целевая группа: для эксперимента A/B/n нужны контроль и хотя бы два плеча.`),
    ).toBeInTheDocument();
  });

  it('warns on a lead whose arms are only partly created: it deploys only with all of them', async () => {
    mockCampaignsApi({
      [`GET /api/v1/campaigns/${CODE}`]: () => ({
        body: campaign({ ...draft, experiment: CODE, arm: 'A', arms: experimentArms({ c: null }) }),
      }),
    });
    renderTheories(PATH);
    expect(await screen.findByTestId('arms-missing')).toHaveTextContent(
      'Кампаний нет у плеч C. Ведущая запускается только вместе с кампаниями всех плеч: создайте недостающие.',
    );
    expect(screen.getByTestId('arms-create')).toBeEnabled();
  });

  it("shows an arm as its lead's: a note linking the lead, editable, nothing to create", async () => {
    const ARM = 'C000000103';
    mockCampaignsApi({
      [`GET /api/v1/campaigns/${ARM}`]: () => ({
        body: campaign({ ...draft, code: ARM, name: 'Кэшбэк на АЗС · B', channels: ['popup'], experiment: CODE, arm: 'B', arms: experimentArms() }),
      }),
      [`GET /api/v1/campaigns/${ARM}/stats`]: () => ({
        body: stats({
          code: ARM,
          history: [
            { occurred_at: '2025-02-20T08:00:00Z', username: 'test-analyst', kind: 'created', detail: { experiment: CODE, arm: 'B' } },
          ],
        }),
      }),
    });
    renderTheories(`/campaigns/${ARM}`);
    const note = await screen.findByTestId('arm-note');
    expect(note).toHaveTextContent(
      `Плечо B эксперимента ${CODE}: аудитория, даты и разбиение — как у ведущей кампании; запуск — с ведущей.`,
    );
    expect(within(note).getByRole('link', { name: CODE })).toHaveAttribute('href', `/campaigns/${CODE}`);
    expect(screen.getByTestId('detail-arm')).toHaveTextContent('A/B/n · B');
    const rows = screen.getAllByTestId('arm-row');
    expect(rows[1]).toHaveTextContent('эта');
    expect(screen.queryByTestId('arms-create')).not.toBeInTheDocument();
    expect(within(await screen.findByTestId('campaign-history')).getByTestId('history-event')).toHaveTextContent(
      `Плечо B эксперимента ${CODE}`,
    );
    // Its texts and channels are its own: the draft is still edited in the wizard.
    expect(screen.getByTestId('action-resume')).toBeEnabled();
  });

  it('has no experiment card for a plain campaign', async () => {
    mockCampaignsApi();
    renderTheories(PATH);
    await screen.findByTestId('campaign-detail');
    expect(screen.queryByTestId('campaign-arms')).not.toBeInTheDocument();
  });

  it('has none for a multi-arm campaign deployed as one (its arms in one target group)', async () => {
    mockCampaignsApi({
      [`GET /api/v1/campaigns/${CODE}`]: () => ({ body: campaign({ arms: experimentArms({ b: null, c: null }) }) }),
    });
    renderTheories(PATH);
    await screen.findByTestId('campaign-detail');
    expect(screen.queryByTestId('campaign-arms')).not.toBeInTheDocument();
  });
});
