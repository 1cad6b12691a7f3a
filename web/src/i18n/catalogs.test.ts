import { CATALOGS, LANGUAGES } from '.';

type Leaf = [key: string, text: unknown];

/** Every leaf of a catalog as [dotted key, value]; nested objects are walked, nothing else is. */
function leaves(node: unknown, prefix = ''): Leaf[] {
  if (node !== null && typeof node === 'object')
    return Object.entries(node).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
  return [[prefix, node]];
}

const catalogs = LANGUAGES.map((language) => ({ language, texts: new Map(leaves(CATALOGS[language])) }));
const russian = new Map(leaves(CATALOGS.ru));

/** `{{name}}` placeholders of a text, sorted, so that a translation can be checked to use the same ones. */
function placeholders(text: string): string[] {
  return Array.from(text.matchAll(/\{\{\s*(\w+)\s*\}\}/g), (match) => match[1] ?? '').sort();
}

/** Words Kazakh shares with Russian letter for letter; any other Kazakh text equal to the Russian is a copy. */
const SHARED_WITH_RUSSIAN = new Set([
  'Мониторинг',
  'ABC-модель',
  'Аналитика',
  'Пул',
  'Аудитория',
  'Филиал',
  'Филиал: {{list}}',
  'Воронка',
  'Идентификатор',
  '12 цифр',
  'Диплинк',
  'Кешбэк, %',
  '{{s}} с',
  '{{m}} мин {{s}} с',
  'табуляция',
  'Файл',
  'мс',
  'с',
  'Диск',
  'Маршрут',
  'Макс.',
]);

describe('the message catalogs', () => {
  it('has the three interface languages, Russian first (the default)', () => {
    expect(LANGUAGES).toEqual(['ru', 'kk', 'en']);
    expect(russian.size).toBeGreaterThan(900);
  });

  for (const { language, texts } of catalogs) {
    if (language === 'ru') continue;

    it(`${language}: has every Russian key and no key Russian lacks`, () => {
      const missing = [...russian.keys()].filter((key) => !texts.has(key));
      const extra = [...texts.keys()].filter((key) => !russian.has(key));
      expect(missing).toEqual([]);
      expect(extra).toEqual([]);
    });

    it(`${language}: translates every key to a non-empty text with the same placeholders`, () => {
      const problems: string[] = [];
      for (const [key, ru] of russian) {
        const text = texts.get(key);
        if (typeof text !== 'string' || !text.trim()) problems.push(`${key}: no text`);
        else if (typeof ru === 'string' && placeholders(text).join() !== placeholders(ru).join())
          problems.push(`${key}: placeholders ${placeholders(text).join()} instead of ${placeholders(ru).join()}`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('kk: is Kazakh, not Russian left in place', () => {
    const kazakh = catalogs.find(({ language }) => language === 'kk')!.texts;
    const copied = [...kazakh].filter(
      ([key, text]) => typeof text === 'string' && /[а-яё]/i.test(text) && text === russian.get(key) && !SHARED_WITH_RUSSIAN.has(text),
    );
    expect(copied).toEqual([]);
    // The IIN is ЖСН and the BIN БСН in Kazakh.
    const russianTerms = [...kazakh].filter(([, text]) => typeof text === 'string' && /ИИН|БИН/.test(text));
    expect(russianTerms).toEqual([]);
  });

  it('en: has no Cyrillic left in it', () => {
    const english = catalogs.find(({ language }) => language === 'en')!.texts;
    const cyrillic = [...english].filter(([, text]) => typeof text === 'string' && /[а-яёәғқңөұүһі]/i.test(text));
    expect(cyrillic).toEqual([]);
  });
});
