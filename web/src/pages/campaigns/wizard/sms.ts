/**
 * SMS length in segments, by the rules of the backend (src/dataquery/campaigns/sms.py), so that
 * the counter follows every keystroke without a request.
 *
 * GSM-7 text fits 160 characters in one segment and 153 per segment once split; the extension
 * characters (^{}\[~]|€ and form feed) take two. Any other character (a Cyrillic or Kazakh letter,
 * «», an emoji) switches the whole message to UCS-2: 70 UTF-16 units in one segment, 67 once split.
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

export const GSM7_SINGLE = 160;
export const GSM7_MULTI = 153;
export const UCS2_SINGLE = 70;
export const UCS2_MULTI = 67;

export interface SmsLength {
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  characters: number;
  segments: number;
  /** What one segment holds at this length (160/153 or 70/67). */
  per_segment: number;
}

function isGsm7(text: string): boolean {
  // for…of walks code points: an emoji is one character here, and not GSM-7.
  for (const char of text) if (!GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char)) return false;
  return true;
}

export function smsLength(text: string): SmsLength {
  let characters: number;
  let single: number;
  let multi: number;
  let encoding: SmsLength['encoding'];
  if (isGsm7(text)) {
    characters = 0;
    for (const char of text) characters += GSM7_EXTENSION.has(char) ? 2 : 1;
    [single, multi, encoding] = [GSM7_SINGLE, GSM7_MULTI, 'gsm7'];
  } else {
    // A JavaScript string's length is its count of UTF-16 code units, as UCS-2 counts them.
    characters = text.length;
    [single, multi, encoding] = [UCS2_SINGLE, UCS2_MULTI, 'ucs2'];
  }
  if (characters <= single) return { encoding, characters, segments: characters ? 1 : 0, per_segment: single };
  return { encoding, characters, segments: Math.ceil(characters / multi), per_segment: multi };
}
