/**
 * The wizard's state: one reducer in the page, so that going back and forth between the steps
 * keeps everything typed; and the translation of the form into the API's draft.
 */
import { addDays } from '../../../lib/dates';
import { designBody, designOf } from './design';
import { requiredTexts } from './validation';
import type {
  CampaignCreate,
  CampaignOut,
  CampaignType,
  ChannelCode,
  ChosenAudience,
  DeployReport,
  DesignForm,
  DetailsForm,
  FieldErrors,
  PopupForm,
  Rb3Form,
  SplitForm,
} from './types';
import { CHANNELS } from './types';

export const STEPS = ['audience', 'split', 'details', 'review', 'deploy'] as const;
export type StepKey = (typeof STEPS)[number];

/** Seeds are drawn below 2^31 like the backend's own (`secrets.randbelow(2**31)`). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

export const DEFAULT_CONTROL_SHARE = 0.1;
/** A new campaign runs two weeks from today unless the analyst says otherwise. */
export const DEFAULT_DURATION_DAYS = 14;

export function emptyRb3(): Rb3Form {
  return {
    bonus_type: 'cashback_pct',
    bonus_value: null,
    bonus_cap: null,
    min_txn_amount: null,
    mcc_codes: [],
    partner: '',
    accrual_start: null,
    accrual_end: null,
    conditions_ru: '',
    conditions_kz: '',
  };
}

export function emptyPopup(): PopupForm {
  return {
    title_ru: '',
    title_kz: '',
    text_ru: '',
    text_kz: '',
    button_ru: '',
    button_kz: '',
    image_url: '',
    deep_link: '',
    priority: 100,
  };
}

export function emptyDetails(today: string): DetailsForm {
  return {
    type: 'RB1',
    name: '',
    description: '',
    stream: null,
    channels: ['push'],
    texts: { ru: { title: '', body: '', sms: '' }, kz: { title: '', body: '', sms: '' } },
    deep_link: '',
    start_date: today,
    end_date: addDays(today, DEFAULT_DURATION_DAYS),
    product_code: '',
    push_event_type: null,
    pool_share: false,
    cost_per_contact: null,
    rb3: emptyRb3(),
    popup: emptyPopup(),
  };
}

export interface WizardState {
  step: number;
  audience: ChosenAudience | null;
  split: SplitForm;
  details: DetailsForm;
  /** The details were submitted once: from then on their problems show as they are typed. */
  detailsTried: boolean;
  /** What the server refused in the last save, by field; a field's entry goes when it is edited. */
  serverErrors: FieldErrors;
  /** The saved draft, and the body it was saved from (to save again only when something changed). */
  draft: CampaignOut | null;
  savedBody: string | null;
  /** The deploy's report, once the campaign is in the bank's tables: the wizard is done. */
  deployed: DeployReport | null;
}

function designField(design: DesignForm | undefined): { design?: DesignForm } {
  return design ? { design } : {};
}

export function initialState(today: string, seed: number = randomSeed()): WizardState {
  return {
    step: 0,
    audience: null,
    split: { share: DEFAULT_CONTROL_SHARE, seed },
    details: emptyDetails(today),
    detailsTried: false,
    serverErrors: {},
    draft: null,
    savedBody: null,
    deployed: null,
  };
}

export type WizardAction =
  | { type: 'go'; step: number }
  | { type: 'audience'; audience: ChosenAudience | null }
  | { type: 'split'; change: Partial<SplitForm> }
  | { type: 'details'; change: (details: DetailsForm) => DetailsForm; fields: string[] }
  | { type: 'detailsTried' }
  | { type: 'serverErrors'; errors: FieldErrors }
  | { type: 'saved'; draft: CampaignOut; body: string }
  | { type: 'deployed'; report: DeployReport }
  | { type: 'reset'; state: WizardState };

/** The errors but those of the fields just edited (the server's word on them is out of date). */
function withoutErrors(errors: FieldErrors, fields: string[]): FieldErrors {
  const left = Object.entries(errors).filter(([field]) => !fields.includes(field));
  return left.length === Object.keys(errors).length ? errors : Object.fromEntries(left);
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'go':
      return { ...state, step: action.step };
    case 'audience':
      return { ...state, audience: action.audience, serverErrors: withoutErrors(state.serverErrors, ['audience_id']) };
    case 'split':
      return {
        ...state,
        split: { ...state.split, ...action.change },
        serverErrors: withoutErrors(
          state.serverErrors,
          Object.keys(action.change).map((key) => (key === 'share' ? 'control_share' : 'split_seed')),
        ),
      };
    case 'details':
      return {
        ...state,
        details: action.change(state.details),
        serverErrors: withoutErrors(state.serverErrors, action.fields),
      };
    case 'detailsTried':
      return { ...state, detailsTried: true };
    case 'serverErrors':
      return { ...state, serverErrors: action.errors };
    case 'saved':
      return { ...state, draft: action.draft, savedBody: action.body, serverErrors: {} };
    case 'deployed':
      return { ...state, deployed: action.report };
    case 'reset':
      return action.state;
  }
}

/** A changed campaign type: its streams are others, and the stream chosen for the other type goes. */
export function withType(details: DetailsForm, type: CampaignType): DetailsForm {
  return type === details.type ? details : { ...details, type, stream: null };
}

/** Channels toggled on or off, kept in the backend's order. */
export function withChannels(details: DetailsForm, channels: ChannelCode[]): DetailsForm {
  const ordered = CHANNELS.filter((channel) => channels.includes(channel));
  // A push event type only makes sense with push (the backend refuses it otherwise).
  return { ...details, channels: ordered, push_event_type: ordered.includes('push') ? details.push_event_type : null };
}

function text(value: string): string | null {
  const trimmed = value.trim();
  return trimmed ? trimmed : null;
}

/**
 * The draft as POST /campaigns takes it. Only what the channels and the type use is sent: the
 * texts a hidden field still holds (say, a title typed before push was unticked) stay in the
 * form for when it comes back, and out of the campaign.
 */
export function draftBody(state: Pick<WizardState, 'audience' | 'split' | 'details'>): CampaignCreate {
  const { details, split, audience } = state;
  const needs = requiredTexts(details.channels);
  const textsOf = (language: 'ru' | 'kz') => ({
    title: needs.title ? text(details.texts[language].title) : null,
    body: needs.body ? text(details.texts[language].body) : null,
    // Its own SMS text only beside push: alone, the SMS text is the body.
    sms: needs.title && details.channels.includes('sms') ? text(details.texts[language].sms) : null,
  });
  const rb3 = details.rb3;
  const popup = details.popup;
  return {
    type: details.type,
    name: details.name.trim(),
    description: text(details.description),
    stream: details.stream ?? '',
    channels: details.channels,
    texts: needs.body ? { ru: textsOf('ru'), kz: textsOf('kz') } : null,
    deep_link: text(details.deep_link),
    start_date: details.start_date ?? '',
    end_date: details.end_date ?? '',
    product_code: text(details.product_code),
    audience_id: audience?.id ?? '',
    control_share: split.share ?? DEFAULT_CONTROL_SHARE,
    split_seed: split.seed,
    ...designBody(split.design),
    push_event_type: details.channels.includes('push') ? details.push_event_type : null,
    pool_share: details.pool_share ?? false,
    cost_per_contact: details.cost_per_contact ?? null,
    rb3:
      details.type === 'RB3' && rb3.bonus_type && rb3.bonus_value !== null
        ? {
            bonus_type: rb3.bonus_type,
            bonus_value: rb3.bonus_value,
            bonus_cap: rb3.bonus_cap,
            min_txn_amount: rb3.min_txn_amount,
            mcc_codes: rb3.mcc_codes,
            partner: text(rb3.partner),
            accrual_start: rb3.accrual_start,
            accrual_end: rb3.accrual_end,
            conditions_ru: text(rb3.conditions_ru),
            conditions_kz: text(rb3.conditions_kz),
          }
        : null,
    popup: details.channels.includes('popup')
      ? {
          title_ru: popup.title_ru.trim(),
          title_kz: popup.title_kz.trim(),
          text_ru: popup.text_ru.trim(),
          text_kz: popup.text_kz.trim(),
          button_ru: text(popup.button_ru),
          button_kz: text(popup.button_kz),
          image_url: text(popup.image_url),
          deep_link: text(popup.deep_link),
          priority: popup.priority ?? 100,
        }
      : null,
  };
}

function numberOrNull(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/**
 * A saved draft back in the wizard (Active Theories → "Продолжить", a copy): every field as the
 * server holds it, on the review step (a saved draft passed the checks), nothing to save again
 * until something changes.
 */
export function stateOfDraft(draft: CampaignOut, audience: ChosenAudience | null, today: string): WizardState {
  const empty = emptyDetails(today);
  const language = (code: 'ru' | 'kz') => ({
    title: draft.texts?.[code]?.title ?? '',
    body: draft.texts?.[code]?.body ?? '',
    sms: draft.texts?.[code]?.sms ?? '',
  });
  const rb3 = draft.rb3;
  const popup = draft.popup;
  const details: DetailsForm = {
    type: draft.type,
    name: draft.name,
    description: draft.description ?? '',
    stream: draft.stream,
    channels: CHANNELS.filter((c) => draft.channels.includes(c)),
    texts: { ru: language('ru'), kz: language('kz') },
    deep_link: draft.deep_link ?? '',
    start_date: draft.start_date,
    end_date: draft.end_date,
    product_code: draft.product_code ?? '',
    push_event_type: draft.push_event_type ?? null,
    pool_share: draft.pool_share ?? false,
    cost_per_contact: draft.cost_per_contact ?? null,
    rb3: rb3
      ? {
          bonus_type: rb3.bonus_type,
          bonus_value: numberOrNull(rb3.bonus_value),
          bonus_cap: numberOrNull(rb3.bonus_cap),
          min_txn_amount: numberOrNull(rb3.min_txn_amount),
          mcc_codes: rb3.mcc_codes ?? [],
          partner: rb3.partner ?? '',
          accrual_start: rb3.accrual_start ?? null,
          accrual_end: rb3.accrual_end ?? null,
          conditions_ru: rb3.conditions_ru ?? '',
          conditions_kz: rb3.conditions_kz ?? '',
        }
      : empty.rb3,
    popup: popup
      ? {
          title_ru: popup.title_ru,
          title_kz: popup.title_kz,
          text_ru: popup.text_ru,
          text_kz: popup.text_kz,
          button_ru: popup.button_ru ?? '',
          button_kz: popup.button_kz ?? '',
          image_url: popup.image_url ?? '',
          deep_link: popup.deep_link ?? '',
          priority: popup.priority ?? 100,
        }
      : empty.popup,
  };
  const state: WizardState = {
    step: audience ? STEPS.indexOf('review') : 0,
    audience,
    split: { share: draft.control_share, seed: draft.split_seed, ...designField(designOf(draft.split?.experiment ?? null)) },
    details,
    detailsTried: true,
    serverErrors: {},
    draft,
    savedBody: null,
    deployed: null,
  };
  return { ...state, savedBody: JSON.stringify(draftBody(state)) };
}
