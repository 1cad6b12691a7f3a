import type { components } from '../../../api/schema';

type Schemas = components['schemas'];

/** Shapes of the campaigns API (src/dataquery/campaigns/schemas.py). */
export type CampaignType = Schemas['CampaignCreate']['type'];
export type ChannelCode = Schemas['CampaignCreate']['channels'][number];
export type CampaignCreate = Schemas['CampaignCreate'];
export type CampaignUpdate = Schemas['CampaignUpdate'];
export type CampaignOut = Schemas['CampaignOut'];
export type Rb3Terms = Schemas['RB3Terms-Input'];
export type BonusType = Rb3Terms['bonus_type'];
export type PopupContent = Schemas['PopupContent'];
export type SplitResult = Schemas['SplitResult'];
export type DeployReport = Schemas['DeployReport'];
export type DeployAccepted = Schemas['DeployAccepted'];
export type ChannelDropouts = Schemas['ChannelDropouts'];
/** A warning of the server: `code` and `params` for our words, `message` in English. */
export type Notice = Schemas['Notice'];
export type Job = Schemas['JobOut'];
export type Stream = Schemas['StreamOut'];
export type PushEventType = Schemas['PushEventTypeOut'];

export const CAMPAIGN_TYPES: CampaignType[] = ['RB1', 'RB3'];
/** In the order the backend stores them. */
export const CHANNELS: ChannelCode[] = ['push', 'popup', 'sms'];
export const LANGUAGES = ['ru', 'kz'] as const;
export type TextLanguage = (typeof LANGUAGES)[number];
export const BONUS_TYPES: BonusType[] = ['cashback_pct', 'fixed', 'points'];

/** The saved audience the campaign deploys (a frozen snapshot of IINs). */
export interface ChosenAudience {
  id: string;
  name: string;
  size: number;
  /** Its version within its family (1, 2, ...), when known. */
  version?: number;
}

export interface SplitForm {
  /** Share of the audience in the control group, 0–0.5; null while the field is empty. */
  share: number | null;
  /** Seed of the hash split; the same seed gives the same groups. */
  seed: number | null;
  /** The stratified A/B/n design (absent in states kept before it existed: off). */
  design?: DesignForm;
}

export interface DesignForm {
  enabled: boolean;
  /** Percent per group, the first the control's; they add up to 100. */
  shares: number[];
  strata: string[];
  rerandomize: number;
}

export interface LanguageTextForm {
  title: string;
  body: string;
  /** The SMS text when push is sent too; empty: the push body goes by SMS. */
  sms: string;
}

export interface Rb3Form {
  bonus_type: BonusType | null;
  bonus_value: number | null;
  bonus_cap: number | null;
  min_txn_amount: number | null;
  mcc_codes: string[];
  partner: string;
  accrual_start: string | null;
  accrual_end: string | null;
  conditions_ru: string;
  conditions_kz: string;
}

export interface PopupForm {
  title_ru: string;
  title_kz: string;
  text_ru: string;
  text_kz: string;
  button_ru: string;
  button_kz: string;
  image_url: string;
  deep_link: string;
  priority: number | null;
}

/**
 * The details form as typed: strings may be empty and numbers missing while the analyst edits.
 * Field names follow the API, so that a 422's `errors[].field` (`texts.ru.title`, `rb3.bonus_value`,
 * `popup.title_kz`, …) names a field of this form as it is.
 */
export interface DetailsForm {
  type: CampaignType;
  name: string;
  description: string;
  stream: string | null;
  channels: ChannelCode[];
  texts: Record<TextLanguage, LanguageTextForm>;
  deep_link: string;
  /** ISO dates (YYYY-MM-DD). */
  start_date: string | null;
  end_date: string | null;
  product_code: string;
  push_event_type: string | null;
  /** Takes a share of the daily new-user pool while it runs. */
  pool_share?: boolean;
  /** KZT per contacted member: the effect's ROI (null: not known). */
  cost_per_contact?: number | null;
  rb3: Rb3Form;
  popup: PopupForm;
}

/** Problems by field path (`name`, `texts.kz.body`, `rb3.bonus_value`, …): a message each. */
export type FieldErrors = Record<string, string>;
