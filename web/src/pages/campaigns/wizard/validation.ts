/**
 * The checks of the details form, the same the backend makes (schemas.py field limits and
 * service.check_draft's cross-field rules), so that most mistakes are shown before a request.
 * The server stays the judge: its 422 names fields the same way (see `fieldErrorsOf`).
 */
import type { TFunction } from 'i18next';

import { errorItemsOf, errorItemText } from '../../../api/errors';

import type { ChannelCode, DetailsForm, FieldErrors, SplitForm, TextLanguage } from './types';
import { LANGUAGES } from './types';

/** schemas.py `Link`: a URI with a scheme, no spaces. */
export const LINK_PATTERN = /^[a-z][a-z0-9+.-]*:\/\/\S+$/;
const MCC_PATTERN = /^[0-9]{4}$/;
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export const LIMITS = {
  name: 200,
  description: 4000,
  title: 200,
  body: 4000,
  link: 500,
  productCode: 50,
  partner: 200,
  conditions: 4000,
  button: 60,
  mccCodes: 80,
} as const;

/** Which texts the chosen channels need: push titles and bodies, SMS bodies (check_draft). */
export function requiredTexts(channels: ChannelCode[]): { title: boolean; body: boolean } {
  const push = channels.includes('push');
  return { title: push, body: push || channels.includes('sms') };
}

function blank(value: string): boolean {
  return value.trim() === '';
}

export function validateSplit(split: SplitForm, t: TFunction): FieldErrors {
  const errors: FieldErrors = {};
  if (split.share === null) errors.control_share = t('campaign.errors.required');
  else if (split.share < 0 || split.share > 0.5) errors.control_share = t('campaign.errors.share');
  if (split.seed === null) errors.split_seed = t('campaign.errors.required');
  else if (!Number.isInteger(split.seed) || split.seed < 0 || split.seed > MAX_SEED)
    errors.split_seed = t('campaign.errors.seed');
  return errors;
}

export function validateDetails(form: DetailsForm, today: string, t: TFunction): FieldErrors {
  const errors: FieldErrors = {};
  const required = t('campaign.errors.required');
  const tooLong = (max: number) => t('campaign.errors.tooLong', { max });
  const text = (field: string, value: string, max: number, isRequired: boolean) => {
    if (isRequired && blank(value)) errors[field] = required;
    else if (value.trim().length > max) errors[field] = tooLong(max);
  };
  const link = (field: string, value: string) => {
    if (blank(value)) return;
    if (!LINK_PATTERN.test(value.trim())) errors[field] = t('campaign.errors.link');
    else if (value.trim().length > LIMITS.link) errors[field] = tooLong(LIMITS.link);
  };

  text('name', form.name, LIMITS.name, true);
  text('description', form.description, LIMITS.description, false);
  if (!form.stream) errors.stream = t('campaign.errors.stream');
  if (form.channels.length === 0) errors.channels = t('campaign.errors.channels');

  const needs = requiredTexts(form.channels);
  for (const language of LANGUAGES as readonly TextLanguage[]) {
    const texts = form.texts[language];
    if (needs.title) text(`texts.${language}.title`, texts.title, LIMITS.title, true);
    if (needs.body) text(`texts.${language}.body`, texts.body, LIMITS.body, true);
    if (needs.title && form.channels.includes('sms')) text(`texts.${language}.sms`, texts.sms, LIMITS.body, false);
  }
  link('deep_link', form.deep_link);
  text('product_code', form.product_code, LIMITS.productCode, false);

  if (!form.start_date) errors.start_date = required;
  else if (form.start_date < today) errors.start_date = t('campaign.errors.pastStart');
  if (!form.end_date) errors.end_date = required;
  else if (form.start_date && form.end_date < form.start_date) errors.end_date = t('campaign.errors.endBeforeStart');

  if (form.type === 'RB3') {
    const rb3 = form.rb3;
    if (!rb3.bonus_type) errors['rb3.bonus_type'] = required;
    if (rb3.bonus_value === null) errors['rb3.bonus_value'] = required;
    else if (rb3.bonus_value <= 0) errors['rb3.bonus_value'] = t('campaign.errors.positive');
    else if (rb3.bonus_type === 'cashback_pct' && rb3.bonus_value > 100)
      errors['rb3.bonus_value'] = t('campaign.errors.cashbackMax');
    if (rb3.bonus_cap !== null && rb3.bonus_cap < 0) errors['rb3.bonus_cap'] = t('campaign.errors.notNegative');
    if (rb3.min_txn_amount !== null && rb3.min_txn_amount < 0)
      errors['rb3.min_txn_amount'] = t('campaign.errors.notNegative');
    const badMcc = rb3.mcc_codes.filter((code) => !MCC_PATTERN.test(code));
    if (badMcc.length) errors['rb3.mcc_codes'] = t('campaign.errors.mcc', { codes: badMcc.join(', ') });
    else if (rb3.mcc_codes.length > LIMITS.mccCodes)
      errors['rb3.mcc_codes'] = t('campaign.errors.mccCount', { max: LIMITS.mccCodes });
    text('rb3.partner', rb3.partner, LIMITS.partner, false);
    if (rb3.accrual_start && rb3.accrual_end && rb3.accrual_end < rb3.accrual_start)
      errors['rb3.accrual_end'] = t('campaign.errors.accrualEnd');
    text('rb3.conditions_ru', rb3.conditions_ru, LIMITS.conditions, false);
    text('rb3.conditions_kz', rb3.conditions_kz, LIMITS.conditions, false);
  }

  if (form.channels.includes('popup')) {
    const popup = form.popup;
    text('popup.title_ru', popup.title_ru, LIMITS.title, true);
    text('popup.title_kz', popup.title_kz, LIMITS.title, true);
    text('popup.text_ru', popup.text_ru, LIMITS.body, true);
    text('popup.text_kz', popup.text_kz, LIMITS.body, true);
    text('popup.button_ru', popup.button_ru, LIMITS.button, false);
    text('popup.button_kz', popup.button_kz, LIMITS.button, false);
    link('popup.image_url', popup.image_url);
    link('popup.deep_link', popup.deep_link);
    if (popup.priority === null) errors['popup.priority'] = required;
    else if (!Number.isInteger(popup.priority) || popup.priority < 1 || popup.priority > 1000)
      errors['popup.priority'] = t('campaign.errors.priority');
  }
  return errors;
}

/** The step of the wizard a field of the draft is edited on (a 422 may name any of them). */
export function stepOfField(field: string): 'audience' | 'split' | 'details' {
  if (field === 'audience_id') return 'audience';
  if (field === 'control_share' || field === 'split_seed') return 'split';
  return 'details';
}

/**
 * The field problems of a 422 body (`errors[]`, each with its dotted `field`), as the form's field
 * paths with their text in the interface language.
 */
export function fieldErrorsOf(body: unknown): FieldErrors {
  const errors: FieldErrors = {};
  for (const item of errorItemsOf(body)) {
    // An item of a list (`rb3.mcc_codes.2`, `channels.0`) is shown on the list's field.
    const field = (item.field ?? '')
      .split('.')
      .filter((part) => part && !/^\d+$/.test(part))
      .join('.');
    if (!field) continue;
    const message = errorItemText(item, undefined, { withField: false });
    errors[field] = errors[field] ? `${errors[field]}; ${message}` : message;
  }
  return errors;
}
