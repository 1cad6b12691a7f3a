import i18n from '../../../i18n';
import { draftBody, emptyDetails } from './state';
import type { DetailsForm } from './types';
import { fieldErrorsOf, validateDetails, validateSplit } from './validation';

const TODAY = '2026-11-30';
const t = i18n.t.bind(i18n);

function valid(change: Partial<DetailsForm> = {}): DetailsForm {
  return {
    ...emptyDetails(TODAY),
    name: 'Кешбэк на путешествия',
    stream: 'travel',
    channels: ['push'],
    texts: { ru: { title: 'Кешбэк', body: 'Текст', sms: '' }, kz: { title: 'Кешбэк', body: 'Мәтін', sms: '' } },
    ...change,
  };
}

describe('validateDetails: the checks of the backend, before a request', () => {
  it('passes a complete RB1 push campaign', () => {
    expect(validateDetails(valid(), TODAY, t)).toEqual({});
  });

  it('names every missing field of an empty form', () => {
    const errors = validateDetails(emptyDetails(TODAY), TODAY, t);
    expect(errors).toEqual({
      name: 'Обязательное поле',
      stream: 'Выберите поток',
      'texts.ru.title': 'Обязательное поле',
      'texts.ru.body': 'Обязательное поле',
      'texts.kz.title': 'Обязательное поле',
      'texts.kz.body': 'Обязательное поле',
    });
  });

  it('asks for the texts the channels need: titles with push, bodies with push or SMS, none for a pop-up', () => {
    const noTexts = { ru: { title: '', body: '', sms: '' }, kz: { title: '', body: '', sms: '' } };
    expect(Object.keys(validateDetails(valid({ channels: ['sms'], texts: noTexts }), TODAY, t))).toEqual([
      'texts.ru.body',
      'texts.kz.body',
    ]);
    const popupOnly = valid({
      channels: ['popup'],
      texts: noTexts,
      popup: { ...emptyDetails(TODAY).popup, title_ru: 'А', title_kz: 'Ә', text_ru: 'Б', text_kz: 'Б' },
    });
    expect(validateDetails(popupOnly, TODAY, t)).toEqual({});
    expect(validateDetails(valid({ channels: [] }), TODAY, t)).toEqual({ channels: 'Выберите хотя бы один канал' });
  });

  it('requires the bonus terms of an RB3 campaign, a cashback of at most 100 %, and valid MCC codes', () => {
    const rb3 = valid({ type: 'RB3', stream: 'bzk' });
    expect(validateDetails(rb3, TODAY, t)).toEqual({ 'rb3.bonus_value': 'Обязательное поле' });
    expect(validateDetails({ ...rb3, rb3: { ...rb3.rb3, bonus_value: 150 } }, TODAY, t)).toEqual({
      'rb3.bonus_value': 'Кешбэк — не больше 100 %',
    });
    expect(validateDetails({ ...rb3, rb3: { ...rb3.rb3, bonus_value: 5, mcc_codes: ['5411', '54x'] } }, TODAY, t)).toEqual({
      'rb3.mcc_codes': 'MCC — четыре цифры; неверные: 54x',
    });
    // RB1 ignores the terms a form may still hold.
    expect(validateDetails(valid({ rb3: { ...rb3.rb3, bonus_value: -1 } }), TODAY, t)).toEqual({});
  });

  it('requires the pop-up content with the popup channel', () => {
    const errors = validateDetails(valid({ channels: ['push', 'popup'] }), TODAY, t);
    expect(errors).toEqual({
      'popup.title_ru': 'Обязательное поле',
      'popup.title_kz': 'Обязательное поле',
      'popup.text_ru': 'Обязательное поле',
      'popup.text_kz': 'Обязательное поле',
    });
  });

  it('refuses a start in the past and an end before the start', () => {
    expect(validateDetails(valid({ start_date: '2026-11-29' }), TODAY, t)).toEqual({
      start_date: 'Дата начала не может быть в прошлом',
    });
    expect(validateDetails(valid({ start_date: '2026-12-10', end_date: '2026-12-09' }), TODAY, t)).toEqual({
      end_date: 'Дата окончания не может быть раньше даты начала',
    });
    expect(validateDetails(valid({ start_date: TODAY, end_date: TODAY }), TODAY, t)).toEqual({});
  });

  it('checks links like the backend: a scheme, no spaces', () => {
    expect(validateDetails(valid({ deep_link: 'bankapp://promo/travel' }), TODAY, t)).toEqual({});
    expect(Object.keys(validateDetails(valid({ deep_link: 'promo travel' }), TODAY, t))).toEqual(['deep_link']);
  });
});

describe('validateSplit', () => {
  it('takes a share from 0 to 0.5 (0–50 %) and a whole seed', () => {
    expect(validateSplit({ share: 0.1, seed: 7 }, t)).toEqual({});
    expect(validateSplit({ share: 0.6, seed: null }, t)).toEqual({
      control_share: 'Доля — от 0 до 50 %',
      split_seed: 'Обязательное поле',
    });
  });
});

describe('fieldErrorsOf: a 422 onto the form fields', () => {
  it('puts each item on its field, in the interface language', () => {
    const item = (field: string | null, code: string, params: Record<string, unknown> = {}) => ({
      field,
      code,
      params,
      message: 'English',
    });
    expect(
      fieldErrorsOf({
        error: 'InvalidInput',
        detail: '…',
        errors: [
          item('texts.kz.body', 'campaign.text_required', { channels: 'push' }),
          item('rb3.mcc_codes.2', 'validation.string_pattern_mismatch'),
          item('name', 'validation.string_too_short', { min_length: 1 }),
          item('start_date', 'validation.missing'),
          item('start_date', 'validation.date_parsing'),
          item(null, 'validation.invalid'),
        ],
      }),
    ).toEqual({
      'texts.kz.body': 'Текст обязателен для выбранных каналов: push.',
      'rb3.mcc_codes': 'Недопустимые символы.',
      name: 'Слишком коротко: нужно не меньше 1 символов.',
      start_date: 'Обязательное поле.; Нужна дата (ГГГГ-ММ-ДД).',
    });
    expect(fieldErrorsOf({ error: 'Conflict', detail: 'x' })).toEqual({});
    expect(fieldErrorsOf(null)).toEqual({});
  });
});

describe('draftBody', () => {
  it('sends only what the type and the channels use, trimmed', () => {
    const details = valid({
      name: '  Кешбэк  ',
      channels: ['sms'],
      push_event_type: 'cashback',
      rb3: { ...emptyDetails(TODAY).rb3, bonus_value: 5 },
    });
    const body = draftBody({ details, split: { share: 0.2, seed: 7 }, audience: { id: 'a1', name: 'A', size: 1 } });
    expect(body).toMatchObject({
      type: 'RB1',
      name: 'Кешбэк',
      description: null,
      channels: ['sms'],
      texts: { ru: { title: null, body: 'Текст' }, kz: { title: null, body: 'Мәтін' } },
      audience_id: 'a1',
      control_share: 0.2,
      split_seed: 7,
      push_event_type: null,
      rb3: null,
      popup: null,
      start_date: TODAY,
      end_date: '2026-12-14',
    });
  });
});
