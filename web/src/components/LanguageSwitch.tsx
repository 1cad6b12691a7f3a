import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';

import { isLanguage, type Language } from '../i18n';

const OPTIONS: { label: string; value: Language }[] = [
  { label: 'RU', value: 'ru' },
  { label: 'EN', value: 'en' },
];

/** RU/EN switch in the header; i18n persists the choice and antd's locale follows it. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'ru';
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('header.language')}
      title={t('header.language')}
      options={OPTIONS}
      value={current}
      onChange={(value) => void i18n.changeLanguage(value)}
    />
  );
}
