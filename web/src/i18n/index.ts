import dayjs from 'dayjs';
import 'dayjs/locale/kk'; // month and day names of the date pickers in Kazakh
import 'dayjs/locale/ru'; // … and in Russian (English is dayjs's own)
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

import en from './en';
import kk from './kk';
import ru from './ru';

/** Interface languages, in the order the switch shows them; Russian is the default. */
export const LANGUAGES = ['ru', 'kk', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** localStorage key that keeps the user's choice of interface language. */
export const LANGUAGE_STORAGE_KEY = 'dq.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The catalog of every language, for i18next and for the test that checks they have the same keys. */
export const CATALOGS = { ru, kk, en } as const;

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : 'ru';
  } catch {
    // Storage can be unavailable (privacy mode); Russian is the default then.
    return 'ru';
  }
}

/**
 * Kazakh writes numbers and dates as Russian does in Kazakhstan (`41 136,5`, `14.03.2025, 14:30`),
 * but browsers' ICU often lacks kk-KZ data: Chromium answers `41,136.5` and `2025-03-14 14:30` for
 * it. ru-KZ, present everywhere, gives Kazakhstan's conventions in every browser.
 */
const LOCALES: Record<Language, string> = { ru: 'ru-RU', kk: 'ru-KZ', en: 'en-GB' };

/** The BCP 47 locale for number and date formatting (lib/format); Russian for anything unknown. */
export function localeOf(language: string): string {
  return isLanguage(language) ? LOCALES[language] : LOCALES.ru;
}

function applyLanguage(language: string) {
  document.documentElement.lang = language;
  // Day and month names of anything dayjs formats follow the interface (antd's pickers ask for
  // their own locale, but other dayjs output would otherwise stay English).
  dayjs.locale(isLanguage(language) ? language : 'ru');
}

i18n.on('languageChanged', (language) => {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not persisted this time; the switch still works for the session.
  }
  applyLanguage(language);
});

void i18n.use(initReactI18next).init({
  resources: { ru: { translation: ru }, kk: { translation: kk }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'ru',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
