import { configure, screen, waitFor, within } from '@testing-library/react';

import { addDays, bankToday } from '../../../lib/dates';
import { chooseOption, fillDetails, mockBackend, paste, setup, toDetails } from './testing';

configure({ asyncUtilTimeout: 15_000 });

/** The message shown under a field (the control's aria-describedby). */
function errorOf(control: HTMLElement): string | null {
  const id = control.getAttribute('aria-describedby');
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

function field(name: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-field="${name}"]`);
  if (!element) throw new Error(`no field ${name}`);
  return element;
}

function fieldError(name: string): string | null {
  return within(field(name)).queryByTestId('field-error')?.textContent ?? null;
}

const posts = (calls: { key: string }[]) => calls.filter((call) => call.key === 'POST /api/v1/campaigns');

describe('Campaign wizard: the details step', { timeout: 60_000 }, () => {
  it('checks the form before saving: required fields, RB3 bonus terms, pop-up content', async () => {
    const backend = mockBackend();
    const user = setup();
    await toDetails(user);

    await user.click(screen.getByTestId('wizard-next'));
    const name = screen.getByTestId('details-name');
    await waitFor(() => expect(name).toHaveFocus());
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(errorOf(name)).toBe('Обязательное поле');
    expect(fieldError('stream')).toBe('Выберите поток');
    expect(errorOf(screen.getByTestId('details-title-ru'))).toBe('Обязательное поле');
    // The hidden tab shows that it has problems too.
    expect(screen.getByTestId('texts-tab-kz').closest('.ant-badge')?.querySelector('.ant-badge-dot')).not.toBeNull();
    expect(posts(backend.calls)).toEqual([]);

    // RB3: its own streams, and the bonus terms are required.
    await user.click(screen.getByText('RB3 — бонусная'));
    expect(await screen.findByTestId('details-rb3')).toBeInTheDocument();
    expect(fieldError('rb3.bonus_value')).toBe('Обязательное поле');
    await chooseOption(user, screen.getByLabelText(/^Поток/), 'БЗК (bzk)');
    await paste(user, screen.getByLabelText(/^Размер бонуса/), '150');
    await waitFor(() => expect(fieldError('rb3.bonus_value')).toBe('Кешбэк — не больше 100 %'));

    // Pop-up: its content is required, and previewed as typed.
    await user.click(screen.getByRole('checkbox', { name: 'Pop-up' }));
    expect(await screen.findByTestId('details-popup')).toBeInTheDocument();
    expect(fieldError('popup.title_ru')).toBe('Обязательное поле');
    expect(fieldError('popup.text_kz')).toBe('Обязательное поле');
    await paste(user, screen.getByTestId('popup-title-ru'), 'Кешбэк 5 %');
    expect(screen.getByTestId('popup-preview')).toHaveTextContent('Кешбэк 5 %');
    expect(fieldError('popup.title_ru')).toBeNull();
    // Without the popup channel, its section (and its requirement) goes.
    await user.click(screen.getByRole('checkbox', { name: 'Pop-up' }));
    expect(screen.queryByTestId('details-popup')).not.toBeInTheDocument();
    // Back to RB1: no bonus terms.
    await user.click(screen.getByText('RB1 — стандартная'));
    expect(screen.queryByTestId('details-rb3')).not.toBeInTheDocument();
    expect(posts(backend.calls)).toEqual([]);
  });

  it('counts SMS segments as the text is typed and warns past one segment', async () => {
    mockBackend();
    const user = setup();
    await toDetails(user);
    await user.click(screen.getByRole('checkbox', { name: 'Push' }));
    await user.click(screen.getByRole('checkbox', { name: 'SMS' }));
    // SMS alone: bodies only, no titles.
    expect(screen.queryByTestId('details-title-ru')).not.toBeInTheDocument();
    const body = screen.getByTestId('details-body-ru');

    await paste(user, body, 'Оплачивайте билеты картой');
    const counter = screen.getByTestId('sms-counter-ru');
    expect(counter).toHaveAttribute('data-segments', '1');
    expect(counter).toHaveAttribute('data-encoding', 'ucs2');
    expect(counter).toHaveTextContent('SMS-сегментов: 1 · 25 из 70 символов (кириллица, UCS-2)');
    expect(screen.queryByTestId('sms-warning-ru')).not.toBeInTheDocument();

    await user.paste(' и получайте кешбэк 5 % на все покупки до конца декабря');
    expect(counter).toHaveAttribute('data-segments', '2');
    expect(screen.getByTestId('sms-warning-ru')).toHaveTextContent('Текст не помещается в одно SMS: сегментов — 2');

    // Latin text fits 160 characters in one segment.
    await user.clear(body);
    await user.paste('a'.repeat(160));
    expect(counter).toHaveAttribute('data-encoding', 'gsm7');
    expect(counter).toHaveAttribute('data-segments', '1');
    expect(screen.queryByTestId('sms-warning-ru')).not.toBeInTheDocument();
  });

  it('gives SMS a text of its own beside push, counting its segments, and sends it', async () => {
    mockBackend();
    const user = setup();
    await toDetails(user);
    await user.click(screen.getByRole('checkbox', { name: 'SMS' }));
    // Push and SMS: the push body, and an optional SMS text that falls back to it.
    const body = screen.getByTestId('details-body-ru');
    await paste(user, body, 'Оплачивайте билеты картой и получайте кешбэк 5 % на все покупки до конца декабря');
    const counter = screen.getByTestId('sms-counter-ru');
    expect(counter).toHaveAttribute('data-segments', '2');
    const own = screen.getByTestId('details-sms-ru');
    expect(own).toHaveAttribute('placeholder', expect.stringContaining('Оплачивайте билеты'));
    await paste(user, own, 'Кешбэк 5 % за билеты');
    expect(counter).toHaveAttribute('data-segments', '1');
    expect(screen.queryByTestId('sms-warning-ru')).not.toBeInTheDocument();
  });

  it('does not let the end come before the start', async () => {
    mockBackend();
    const user = setup();
    await toDetails(user);
    await fillDetails(user);
    const later = addDays(bankToday(), 30).split('-').reverse().join('.');
    const start = screen.getByLabelText(/^Дата начала/);
    await user.click(start);
    await user.keyboard('{Control>}a{/Control}');
    await user.keyboard(`${later}{Enter}`);
    await waitFor(() => expect(start).toHaveValue(later));

    await user.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(fieldError('end_date')).toBe('Дата окончания не может быть раньше даты начала'));
    expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'details');
  });

  it('shows a 422 on the fields it names, in their tab', async () => {
    const backend = mockBackend({
      'POST /api/v1/campaigns': () => ({
        status: 422,
        body: {
          error: 'InvalidInput',
          detail: "stream: 'travel' is not a RB1 stream; texts.kz.body: required with push and sms; start_date: in the past",
          code: 'campaign.invalid_draft',
          params: {},
          errors: [
            {
              field: 'stream',
              code: 'campaign.stream_not_of_type',
              params: { stream: 'travel', type: 'RB1', streams: 'market' },
              message: "'travel' is not a RB1 stream; one of ['market']",
            },
            {
              field: 'texts.kz.body',
              code: 'campaign.text_required',
              params: { channels: 'push and sms' },
              message: 'required with push and sms',
            },
            {
              field: 'start_date',
              code: 'campaign.start_in_past',
              params: { start_date: '2026-11-29', today: '2026-11-30' },
              message: '2026-11-29 is in the past',
            },
          ],
        },
      }),
    });
    const user = setup();
    await toDetails(user);
    await fillDetails(user);
    await user.click(screen.getByTestId('texts-tab-ru'));
    await user.click(screen.getByTestId('wizard-next'));

    await waitFor(() =>
      expect(fieldError('stream')).toBe('Поток travel не относится к типу RB1; допустимые: market.'),
    );
    expect(fieldError('start_date')).toBe('Дата начала 2026-11-29 уже прошла (сегодня 2026-11-30).');
    // The first field named is focused; a text of the other language brings its tab forward.
    const kzBody = screen.getByTestId('details-body-kz');
    expect(errorOf(kzBody)).toBe('Текст обязателен для выбранных каналов: push and sms.');
    await waitFor(() => expect(screen.getByRole('tab', { name: /Казахский/ })).toHaveAttribute('aria-selected', 'true'));
    expect(screen.getByText('Сервер не принял параметры кампании — исправьте отмеченные поля')).toBeInTheDocument();
    expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'details');
    expect(posts(backend.calls)).toHaveLength(1);

    // Editing a field takes the server's (now stale) word on it away.
    await paste(user, kzBody, ' қосымша');
    await waitFor(() => expect(errorOf(kzBody)).toBeNull());
    expect(fieldError('stream')).not.toBeNull();
  });
});
