import { configure, screen, waitFor, within } from '@testing-library/react';

import { THIN_SPACE } from '../../../lib/format';
import { addDays, bankToday } from '../../../lib/dates';
import { chooseOption, mockBackend, paste, setup, toDetails, toReview } from './testing';

configure({ asyncUtilTimeout: 15_000 });

const keep = { normalizeWhitespace: false };
const n = (text: string) => text.replace(/ /g, THIN_SPACE);

describe('Campaign wizard: the review step', { timeout: 60_000 }, () => {
  it('creates the draft and shows its dry run: rows per table, eligible and drop-outs by reason', async () => {
    const backend = mockBackend();
    const user = setup();
    await toReview(user);

    expect(screen.getByTestId('review-code')).toHaveTextContent('C000000042');
    // The code in the steps header is one unbroken word.
    expect(screen.getByTestId('steps-draft-code')).toHaveTextContent('C000000042');
    expect(screen.getByTestId('steps-draft-code')).toHaveStyle({ whiteSpace: 'nowrap' });
    // …and its step does not shrink below it: the rails between the steps give way.
    expect(screen.getByTestId('steps-draft-code').closest('.ant-steps-item')).toHaveStyle({ flexShrink: '0' });
    // The stream by its name, as the details step offers it.
    expect(await screen.findByTestId('review-stream')).toHaveTextContent('Путешествия (travel)');
    expect(screen.queryByTestId('review-xls')).not.toBeInTheDocument();
    const created = backend.calls.filter((call) => call.key === 'POST /api/v1/campaigns');
    expect(created).toHaveLength(1);
    const today = bankToday();
    expect(created[0]?.body).toEqual({
      type: 'RB1',
      name: 'Кешбэк на путешествия',
      description: null,
      stream: 'travel',
      channels: ['push', 'sms'],
      texts: {
        ru: { title: 'Кешбэк 5 %', body: 'Оплачивайте билеты картой', sms: null },
        kz: { title: '5 % кешбэк', body: 'Билеттерді картамен төлеңіз', sms: null },
      },
      deep_link: null,
      start_date: today,
      end_date: addDays(today, 14),
      product_code: null,
      audience_id: 'a1',
      control_share: 0.1,
      split_seed: expect.any(Number) as number,
      push_event_type: null,
      pool_share: false,
      cost_per_contact: null,
      rb3: null,
      popup: null,
    });

    const dryRun = await screen.findByTestId('dry-run');
    expect(backend.calls.map((call) => call.key)).toContain('POST /api/v1/campaigns/C000000042/deploy?dry_run=true');
    const push = within(dryRun).getByTestId('review-channel-push');
    expect(within(push).getByTestId('channel-eligible')).toHaveTextContent(n('5 000'), keep);
    expect(within(push).getByTestId('channel-dropped')).toHaveTextContent(n('4 000'), keep);
    expect(within(push).getAllByTestId('dropout-reason').map((li) => li.textContent)).toEqual([
      `Нет идентификатора push (p_sid): ${n('2 500')}`,
      `Push-уведомления отключены: ${n('1 200')}`,
      'Нет в витрине признаков: 300',
    ]);
    const sms = within(dryRun).getByTestId('review-channel-sms');
    expect(within(sms).getAllByTestId('dropout-reason').map((li) => li.dataset.reason)).toEqual([
      'no_valid_phone',
      'not_in_feature_store',
    ]);
    expect(within(sms).getByText('Нет корректного номера (+77 и 9 цифр)', { exact: false })).toBeInTheDocument();

    const tables = Object.fromEntries(
      within(dryRun)
        .getAllByTestId('review-table')
        .map((row) => [row.dataset.table, row.dataset.rows]),
    );
    // The tables this push + SMS campaign writes nothing to (RB3 conditions, pop-ups) are left out.
    expect(tables).toEqual({
      mb01_camp_dict: '1',
      mb22_local_target: '9000',
      mb21_local_control: '1000',
      fd_rb2_campaigns_users: '8200',
      off_limit_campaigns_users: '8200',
    });
    expect(within(dryRun).queryByText('rb3_tr_campaign_dict')).not.toBeInTheDocument();
    expect(within(dryRun).queryByText('fd_rb2_pop_up_campaign')).not.toBeInTheDocument();
    expect(within(dryRun).getByTestId('dry-run-note')).toHaveTextContent('посчитан за 0,42 с');
    expect(within(dryRun).getByText('Целевая группа')).toBeInTheDocument();

    expect(screen.getByTestId('review-warnings')).toHaveTextContent(
      `SMS: выбывают ${n('5 800')} из ${n('9 000')} клиентов целевой группы.`,
      keep,
    );
  });

  it('goes back to edit and patches the same draft, then runs the dry run again', async () => {
    const backend = mockBackend();
    const user = setup();
    await toReview(user);
    await screen.findByTestId('dry-run');

    await user.click(screen.getByTestId('wizard-back'));
    const name = await screen.findByTestId('details-name');
    // Everything typed is still there.
    expect(name).toHaveValue('Кешбэк на путешествия');
    expect(screen.getByTestId('details-body-ru')).toHaveValue('Оплачивайте билеты картой');
    await paste(user, name, ' (декабрь)');
    await user.click(screen.getByTestId('wizard-next'));
    await screen.findByTestId('review-code');

    const keys = backend.calls.map((call) => call.key);
    expect(keys.filter((key) => key === 'POST /api/v1/campaigns')).toHaveLength(1);
    const patch = backend.calls.find((call) => call.key === 'PATCH /api/v1/campaigns/C000000042');
    expect(patch?.body).toMatchObject({ name: 'Кешбэк на путешествия (декабрь)', audience_id: 'a1' });
    expect(patch?.body).not.toHaveProperty('type');
    // The changed draft is a new dry run.
    const dryRuns = () => backend.calls.filter((call) => call.key.includes('dry_run=true')).length;
    await waitFor(() => expect(dryRuns()).toBe(2));
    await screen.findByTestId('dry-run');

    // Nothing changed: back and forth again saves nothing.
    await user.click(screen.getByTestId('wizard-back'));
    await screen.findByTestId('details-name');
    await user.click(screen.getByTestId('wizard-next'));
    await screen.findByTestId('review-code');
    expect(backend.calls.filter((call) => call.key.startsWith('PATCH'))).toHaveLength(1);
  });

  it('shows the RB3 code (xls_ow_id) of an RB3 draft', async () => {
    const backend = mockBackend();
    const user = setup();
    await toDetails(user);
    await user.click(screen.getByText('RB3 — бонусная'));
    await paste(user, screen.getByTestId('details-name'), 'Бонус за кредит');
    await chooseOption(user, screen.getByLabelText(/^Поток/), 'БЗК (bzk)');
    await user.click(screen.getByRole('checkbox', { name: 'Push' }));
    await user.click(screen.getByRole('checkbox', { name: 'Pop-up' }));
    await paste(user, screen.getByLabelText(/^Размер бонуса/), '5');
    await paste(user, screen.getByTestId('popup-title-ru'), 'Бонус');
    await paste(user, screen.getByTestId('popup-title-kz'), 'Бонус');
    await paste(user, screen.getByTestId('popup-text-ru'), 'До 5 % кешбэка');
    await paste(user, screen.getByTestId('popup-text-kz'), '5 % дейін кешбэк');
    await user.click(screen.getByTestId('wizard-next'));

    expect(await screen.findByTestId('review-xls')).toHaveTextContent('KKB_0007');
    const body = backend.calls.find((call) => call.key === 'POST /api/v1/campaigns')?.body;
    expect(body).toMatchObject({
      type: 'RB3',
      stream: 'bzk',
      channels: ['popup'],
      texts: null,
      rb3: { bonus_type: 'cashback_pct', bonus_value: 5, mcc_codes: [] },
      popup: { title_ru: 'Бонус', text_kz: '5 % дейін кешбэк', priority: 100, button_ru: null },
    });
  });
});

describe('Campaign wizard: the review step shows the overlap', { timeout: 60_000 }, () => {
  it("warns when the draft's audience is already in deployed campaigns overlapping its dates", async () => {
    const backend = mockBackend({
      'GET /api/v1/campaigns/C000000042/overlap': () => ({
        body: {
          members: 321,
          start_date: '2026-12-01',
          end_date: '2026-12-31',
          campaign_count: 1,
          campaigns: [
            { camp_cd: 'C000000007', name: 'Кешбэк', stream: 'travel', start_date: '2026-11-20', end_date: '2026-12-10', members: 321 },
          ],
          streams: [{ stream: 'travel', members: 321 }],
        },
      }),
    });
    const user = setup();
    await toReview(user);
    const card = await screen.findByTestId('review-overlap');
    const warning = within(card).getByTestId('overlap-warning');
    expect(warning).toHaveAttribute('data-members', '321');
    expect(within(warning).getByTestId('overlap-campaign')).toHaveAttribute('data-code', 'C000000007');
    expect(backend.calls.some((call) => call.key === 'GET /api/v1/campaigns/C000000042/overlap')).toBe(true);
  });
});
