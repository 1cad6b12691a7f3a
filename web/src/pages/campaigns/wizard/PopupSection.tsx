import { Alert, Button, Card, Col, Flex, Input, InputNumber, Row, Segmented, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { controlProps } from './fields';
import { FormField } from './FormField';
import type { FieldErrors, PopupForm, TextLanguage } from './types';
import { LANGUAGES } from './types';
import { LIMITS } from './validation';

const { Text } = Typography;

/** How the pop-up will look in the app: a card over a dimmed phone screen, in one language. */
export function PopupPreview({ popup }: { popup: PopupForm }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [language, setLanguage] = useState<TextLanguage>('ru');
  const title = language === 'ru' ? popup.title_ru : popup.title_kz;
  const text = language === 'ru' ? popup.text_ru : popup.text_kz;
  const button = (language === 'ru' ? popup.button_ru : popup.button_kz) || t('campaign.popup.buttonDefault');
  return (
    <Flex vertical gap={8} align="center">
      <Segmented
        size="small"
        aria-label={t('campaign.popup.previewLanguage')}
        value={language}
        onChange={(value) => setLanguage(value as TextLanguage)}
        options={LANGUAGES.map((value) => ({ value, label: t(`campaign.details.language.${value}`) }))}
      />
      <div
        data-testid="popup-preview"
        data-language={language}
        role="img"
        aria-label={t('campaign.popup.previewLabel', { title: title || '—', text: text || '—' })}
        style={{
          width: 220,
          height: 300,
          borderRadius: 24,
          border: `6px solid ${token.colorTextSecondary}`,
          background: token.colorFillSecondary,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
          padding: 12,
        }}
      >
        <div
          style={{
            width: '100%',
            background: token.colorBgContainer,
            borderRadius: 12,
            boxShadow: token.boxShadowSecondary,
            overflow: 'hidden',
          }}
        >
          {popup.image_url ? (
            <div
              aria-hidden
              style={{
                height: 56,
                background: token.colorPrimaryBg,
                display: 'flex',
                alignItems: 'center',
                justifyContent: 'center',
              }}
            >
              <Text type="secondary" style={{ fontSize: 11 }}>
                {t('campaign.popup.image')}
              </Text>
            </div>
          ) : null}
          <Flex vertical gap={6} style={{ padding: 10 }}>
            <Text strong style={{ fontSize: 13 }} ellipsis={{ tooltip: title }}>
              {title || t('campaign.popup.titlePlaceholder')}
            </Text>
            <Text
              style={{ fontSize: 12, whiteSpace: 'pre-line', maxHeight: 120, overflow: 'hidden' }}
              type={text ? undefined : 'secondary'}
            >
              {text || t('campaign.popup.textPlaceholder')}
            </Text>
            <Button type="primary" size="small" block tabIndex={-1} aria-hidden>
              {button}
            </Button>
          </Flex>
        </div>
      </div>
    </Flex>
  );
}

/** The pop-up shown in the app (fd_rb2_pop_up_campaign): required with the popup channel. */
export function PopupSection({
  popup,
  errors,
  onChange,
}: {
  popup: PopupForm;
  errors: FieldErrors;
  onChange: (change: Partial<PopupForm>) => void;
}) {
  const { t } = useTranslation();
  const field = (name: keyof PopupForm) => `popup.${name}`;
  const err = (name: keyof PopupForm) => errors[field(name)];
  const set = <K extends keyof PopupForm>(name: K, value: PopupForm[K]) =>
    onChange({ [name]: value } as Pick<PopupForm, K>);
  const text = (name: 'title_ru' | 'title_kz' | 'button_ru' | 'button_kz', max: number, required: boolean) => (
    <FormField field={field(name)} label={t(`campaign.popup.${name}`)} required={required} error={err(name)}>
      <Input
        {...controlProps(field(name), err(name), required)}
        data-testid={`popup-${name.replace('_', '-')}`}
        value={popup[name]}
        maxLength={max}
        onChange={(e) => set(name, e.target.value)}
      />
    </FormField>
  );
  const body = (name: 'text_ru' | 'text_kz') => (
    <FormField field={field(name)} label={t(`campaign.popup.${name}`)} required error={err(name)}>
      <Input.TextArea
        {...controlProps(field(name), err(name), true)}
        data-testid={`popup-${name.replace('_', '-')}`}
        value={popup[name]}
        maxLength={LIMITS.body}
        autoSize={{ minRows: 2, maxRows: 6 }}
        onChange={(e) => set(name, e.target.value)}
      />
    </FormField>
  );
  const link = (name: 'image_url' | 'deep_link') => (
    <FormField
      field={field(name)}
      label={t(`campaign.popup.${name}`)}
      error={err(name)}
      hint={t('campaign.details.linkHint')}
    >
      <Input
        {...controlProps(field(name), err(name))}
        value={popup[name]}
        maxLength={LIMITS.link}
        placeholder={name === 'image_url' ? 'https://cdn.example.kz/promo.png' : 'bankapp://promo'}
        onChange={(e) => set(name, e.target.value)}
      />
    </FormField>
  );

  return (
    <Card size="small" title={t('campaign.popup.title')} data-testid="details-popup">
      {errors.popup ? (
        <Alert type="error" showIcon role="alert" title={errors.popup} style={{ marginBottom: 12 }} />
      ) : null}
      <Row gutter={[16, 12]}>
        <Col xs={24} xl={16}>
          <Row gutter={[16, 12]}>
            <Col xs={24} md={12}>
              {text('title_ru', LIMITS.title, true)}
            </Col>
            <Col xs={24} md={12}>
              {text('title_kz', LIMITS.title, true)}
            </Col>
            <Col xs={24} md={12}>
              {body('text_ru')}
            </Col>
            <Col xs={24} md={12}>
              {body('text_kz')}
            </Col>
            <Col xs={24} md={12}>
              {text('button_ru', LIMITS.button, false)}
            </Col>
            <Col xs={24} md={12}>
              {text('button_kz', LIMITS.button, false)}
            </Col>
            <Col xs={24} md={12}>
              {link('image_url')}
            </Col>
            <Col xs={24} md={12}>
              {link('deep_link')}
            </Col>
            <Col xs={24} md={12}>
              <FormField
                field={field('priority')}
                label={t('campaign.popup.priority')}
                required
                error={err('priority')}
                hint={t('campaign.popup.priorityHint')}
              >
                <InputNumber
                  {...controlProps(field('priority'), err('priority'), true)}
                  min={1}
                  max={1000}
                  precision={0}
                  value={popup.priority}
                  onChange={(value) => onChange({ priority: value ?? null })}
                  style={{ width: 140 }}
                />
              </FormField>
            </Col>
          </Row>
        </Col>
        <Col xs={24} xl={8}>
          <PopupPreview popup={popup} />
        </Col>
      </Row>
    </Card>
  );
}
