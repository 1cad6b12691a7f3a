import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import kkKZ from 'antd/locale/kk_KZ';
import ruRU from 'antd/locale/ru_RU';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { Language } from '../i18n';

/** antd's own texts (pickers, pagination, empty tables) in the interface language. */
const ANTD_LOCALES: Record<Language, typeof ruRU> = { ru: ruRU, kk: kkKZ, en: enUS };

/** Query cache, antd theme and antd locale (following the interface language). */
export function AppProviders({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  const { i18n } = useTranslation();
  const locale = ANTD_LOCALES[i18n.resolvedLanguage as Language] ?? ruRU;
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={locale} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
