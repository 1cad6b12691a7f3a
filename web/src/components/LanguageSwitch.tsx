import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';

import { isLanguage, type Language } from '../i18n';

/** Each language by the short name its speakers use. */
const OPTIONS: { label: string; value: Language; title: string }[] = [
  { label: 'RU', value: 'ru', title: 'Русский' },
  { label: 'ҚАЗ', value: 'kk', title: 'Қазақша' },
  { label: 'EN', value: 'en', title: 'English' },
];

/** RU / ҚАЗ / EN switch in the header and on the sign-in page; i18n persists the choice per browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'ru';
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('header.language')}
      title={t('header.language')}
      options={OPTIONS.map(({ label, value, title }) => ({
        label: (
          <span lang={value} title={title}>
            {label}
          </span>
        ),
        value,
      }))}
      value={current}
      onChange={(value) => void i18n.changeLanguage(value)}
    />
  );
}
