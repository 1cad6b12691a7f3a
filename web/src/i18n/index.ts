import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

import en from './en';
import ru from './ru';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** localStorage key that keeps the user's choice of interface language. */
export const LANGUAGE_STORAGE_KEY = 'dq.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : 'ru';
  } catch {
    // Storage can be unavailable (privacy mode); Russian is the default then.
    return 'ru';
  }
}

/** The BCP 47 locale for number and date formatting. */
export function localeOf(language: string): string {
  return language === 'en' ? 'en-GB' : 'ru-RU';
}

i18n.on('languageChanged', (language) => {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not persisted this time; the switch still works for the session.
  }
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources: { ru: { translation: ru }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'ru',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
