import { Alert, Badge, Flex, Input, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { controlProps } from './fields';
import { FormField } from './FormField';
import { smsLength } from './sms';
import type { DetailsForm, FieldErrors, LanguageTextForm, TextLanguage } from './types';
import { LANGUAGES } from './types';
import { LIMITS, requiredTexts } from './validation';

const { Text } = Typography;

/** The segment counter under an SMS text: how long it is, in which alphabet, and a warning past one segment. */
export function SmsCounter({ text, language }: { text: string; language: TextLanguage }) {
  const { t } = useTranslation();
  const length = smsLength(text.trim());
  const single = length.segments <= 1;
  return (
    <Flex vertical gap={4} style={{ marginTop: 4 }}>
      <Text
        type="secondary"
        style={{ fontSize: 12 }}
        data-testid={`sms-counter-${language}`}
        data-segments={length.segments}
        data-encoding={length.encoding}
        aria-live="polite"
      >
        {t('campaign.details.smsCounter', {
          segments: length.segments,
          characters: length.characters,
          capacity: single ? length.per_segment : length.segments * length.per_segment,
          encoding: t(`campaign.details.encoding.${length.encoding}`),
        })}
      </Text>
      {length.segments > 1 ? (
        <Alert
          type="warning"
          showIcon
          data-testid={`sms-warning-${language}`}
          title={t('campaign.details.smsWarning', { segments: length.segments })}
          description={
            length.encoding === 'ucs2' ? t('campaign.details.smsWarningUcs2') : t('campaign.details.smsWarningGsm')
          }
        />
      ) : null}
    </Flex>
  );
}

/**
 * Titles and texts of the campaign in Russian and Kazakh, one tab a language; which of them are
 * needed depends on the channels.
 */
export function TextsSection({
  form,
  errors,
  tab,
  onTab,
  onText,
}: {
  form: DetailsForm;
  errors: FieldErrors;
  tab: TextLanguage;
  onTab: (tab: TextLanguage) => void;
  onText: (language: TextLanguage, change: Partial<LanguageTextForm>) => void;
}) {
  const { t } = useTranslation();
  const needs = requiredTexts(form.channels);
  const sms = form.channels.includes('sms');
  if (!needs.body)
    return (
      <Text type="secondary" data-testid="texts-none">
        {t('campaign.details.textsNone')}
      </Text>
    );

  return (
    <Tabs
      activeKey={tab}
      onChange={(key) => onTab(key as TextLanguage)}
      data-testid="details-texts"
      items={LANGUAGES.map((language) => {
        const texts = form.texts[language];
        const titleField = `texts.${language}.title`;
        const bodyField = `texts.${language}.body`;
        const smsField = `texts.${language}.sms`;
        const ownSms = needs.title && sms;
        const hasError = Boolean(
          errors[titleField] || errors[bodyField] || errors[smsField] || errors[`texts.${language}`],
        );
        return {
          key: language,
          // Both tabs stay in the page, so that a problem in the hidden one can be found and focused.
          forceRender: true,
          label: (
            <Badge dot={hasError} offset={[6, 0]}>
              <span data-testid={`texts-tab-${language}`}>{t(`campaign.details.language.${language}`)}</span>
            </Badge>
          ),
          children: (
            <Flex vertical gap={12}>
              {errors[`texts.${language}`] ? (
                <Text type="danger">{errors[`texts.${language}`]}</Text>
              ) : null}
              {needs.title ? (
                <FormField
                  field={titleField}
                  label={t('campaign.details.pushTitle', { language: t(`campaign.details.language.${language}`) })}
                  required
                  error={errors[titleField]}
                >
                  <Input
                    {...controlProps(titleField, errors[titleField], true)}
                    data-testid={`details-title-${language}`}
                    value={texts.title}
                    maxLength={LIMITS.title}
                    showCount
                    onChange={(e) => onText(language, { title: e.target.value })}
                  />
                </FormField>
              ) : null}
              <FormField
                field={bodyField}
                label={t(needs.title ? 'campaign.details.pushBody' : 'campaign.details.smsBody', {
                  language: t(`campaign.details.language.${language}`),
                })}
                required
                error={errors[bodyField]}
                hint={needs.title && sms ? t('campaign.details.bodyBothHint') : undefined}
              >
                <Input.TextArea
                  {...controlProps(bodyField, errors[bodyField], true)}
                  data-testid={`details-body-${language}`}
                  value={texts.body}
                  maxLength={LIMITS.body}
                  autoSize={{ minRows: 3, maxRows: 8 }}
                  onChange={(e) => onText(language, { body: e.target.value })}
                />
                {sms && !ownSms ? <SmsCounter text={texts.body} language={language} /> : null}
              </FormField>
              {ownSms ? (
                <FormField
                  field={smsField}
                  label={t('campaign.details.smsText', { language: t(`campaign.details.language.${language}`) })}
                  error={errors[smsField]}
                  hint={t('campaign.details.smsTextHint')}
                >
                  <Input.TextArea
                    {...controlProps(smsField, errors[smsField], false)}
                    data-testid={`details-sms-${language}`}
                    value={texts.sms}
                    placeholder={texts.body}
                    maxLength={LIMITS.body}
                    autoSize={{ minRows: 2, maxRows: 6 }}
                    onChange={(e) => onText(language, { sms: e.target.value })}
                  />
                  <SmsCounter text={texts.sms.trim() ? texts.sms : texts.body} language={language} />
                </FormField>
              ) : null}
            </Flex>
          ),
        };
      })}
    />
  );
}
