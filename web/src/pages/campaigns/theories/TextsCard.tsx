import { Card, Descriptions, Divider, Flex, Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { formatDate, formatMoney, formatNumber, formatShare } from '../../../lib/format';
import type { Campaign } from './api';

const { Text, Paragraph } = Typography;

const LANGUAGES = ['ru', 'kz'] as const;

function Value({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  if (children === null || children === undefined || children === '')
    return <Text type="secondary">{t('theories.texts.empty')}</Text>;
  return <Paragraph style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}>{children}</Paragraph>;
}

/** Push/SMS texts, pop-up content and RB3 bonus terms, per language (Russian and Kazakh). */
export function TextsCard({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const rb3 = campaign.rb3;
  const popup = campaign.popup;
  // The bonus is a percent of the purchase, an amount of tenge, or points; its cap is points for
  // points and tenge otherwise.
  const points = (value: string) => `${formatNumber(Number(value), language, 2)} ${t('campaign.rb3.pointsUnit')}`;
  const bonusAmount = (value: string) =>
    rb3?.bonus_type === 'cashback_pct'
      ? formatShare(Number(value) / 100, language, 2)
      : rb3?.bonus_type === 'points'
        ? points(value)
        : formatMoney(value, language);
  const capAmount = (value: string) => (rb3?.bonus_type === 'points' ? points(value) : formatMoney(value, language));

  const tab = (lang: (typeof LANGUAGES)[number]) => {
    const text = campaign.texts[lang];
    const sms = campaign.sms_segments[lang];
    const items = [
      { key: 'title', label: t('theories.texts.pushTitle'), children: <Value>{text?.title}</Value> },
      { key: 'body', label: t('theories.texts.body'), children: <Value>{text?.body}</Value> },
    ];
    if (popup)
      items.push(
        {
          key: 'popup-title',
          label: `${t('theories.texts.popup')} · ${t('theories.texts.pushTitle').toLowerCase()}`,
          children: <Value>{lang === 'ru' ? popup.title_ru : popup.title_kz}</Value>,
        },
        {
          key: 'popup-text',
          label: `${t('theories.texts.popup')} · ${t('theories.texts.body').toLowerCase()}`,
          children: <Value>{lang === 'ru' ? popup.text_ru : popup.text_kz}</Value>,
        },
        {
          key: 'popup-button',
          label: `${t('theories.texts.popup')} · ${t('theories.texts.button').toLowerCase()}`,
          children: <Value>{lang === 'ru' ? popup.button_ru : popup.button_kz}</Value>,
        },
      );
    if (rb3)
      items.push({
        key: 'conditions',
        label: `${t('theories.texts.rb3')} · ${t('theories.texts.conditions').toLowerCase()}`,
        children: <Value>{lang === 'ru' ? rb3.conditions_ru : rb3.conditions_kz}</Value>,
      });
    return (
      <Flex vertical gap={8} data-testid={`texts-${lang}`}>
        <Descriptions size="small" column={1} items={items} styles={{ label: { width: 170 } }} />
        {sms ? (
          <Text type="secondary" style={{ fontSize: 12 }}>
            {t('theories.texts.sms', {
              segments: sms.segments,
              perSegment: sms.per_segment,
              characters: sms.characters,
              encoding: sms.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2',
            })}
          </Text>
        ) : null}
      </Flex>
    );
  };

  return (
    <Card size="small" title={t('theories.texts.title')} style={{ height: '100%' }} data-testid="campaign-texts">
      <Tabs
        size="small"
        items={LANGUAGES.map((lang) => ({ key: lang, label: t(`theories.texts.${lang}`), children: tab(lang) }))}
      />
      {rb3 ? (
        <>
          <Divider style={{ margin: '8px 0 12px' }} />
          <Descriptions
            size="small"
            title={t('theories.texts.rb3')}
            column={{ xs: 1, md: 2 }}
            data-testid="campaign-rb3"
            items={[
              { key: 'type', label: t('theories.texts.bonusKind'), children: t(`theories.texts.bonusType.${rb3.bonus_type}`) },
              { key: 'value', label: t('theories.texts.bonusValue'), children: bonusAmount(rb3.bonus_value) },
              ...(rb3.bonus_cap
                ? [{ key: 'cap', label: t('theories.texts.bonusCap'), children: capAmount(rb3.bonus_cap) }]
                : []),
              ...(rb3.min_txn_amount
                ? [{ key: 'min', label: t('theories.texts.minTxn'), children: formatMoney(rb3.min_txn_amount, language) }]
                : []),
              ...(rb3.partner ? [{ key: 'partner', label: t('theories.texts.partner'), children: rb3.partner }] : []),
              ...(rb3.mcc_codes?.length ? [{ key: 'mcc', label: t('theories.texts.mcc'), children: rb3.mcc_codes.join(', ') }] : []),
              ...(rb3.accrual_start || rb3.accrual_end
                ? [
                    {
                      key: 'accrual',
                      label: t('theories.texts.accrual'),
                      children: `${formatDate(rb3.accrual_start, language)} – ${formatDate(rb3.accrual_end, language)}`,
                    },
                  ]
                : []),
            ]}
          />
        </>
      ) : null}
    </Card>
  );
}
