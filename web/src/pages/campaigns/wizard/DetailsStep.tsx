import { Alert, Card, Checkbox, Col, DatePicker, Flex, Input, InputNumber, Row, Segmented, Select, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ErrorAlert';
import { dateFormat } from '../../../lib/format';
import { usePushEventTypes, useStreams } from './api';
import { controlProps } from './fields';
import { FormField } from './FormField';
import { PopupSection } from './PopupSection';
import { Rb3Section } from './Rb3Section';
import { withChannels, withType } from './state';
import { TextsSection } from './TextsSection';
import type { CampaignType, ChannelCode, DetailsForm, FieldErrors, PopupForm, Rb3Form, TextLanguage } from './types';
import { CAMPAIGN_TYPES, CHANNELS } from './types';
import { LIMITS } from './validation';

const { Text } = Typography;

export type DetailsChange = (change: (details: DetailsForm) => DetailsForm, fields: string[]) => void;

/** Step 3: what the campaign is, where it goes, what it says and when. */
export function DetailsStep({
  form,
  errors,
  today,
  textTab,
  onTextTab,
  onChange,
}: {
  form: DetailsForm;
  errors: FieldErrors;
  today: string;
  textTab: TextLanguage;
  onTextTab: (tab: TextLanguage) => void;
  onChange: DetailsChange;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const streams = useStreams(form.type);
  const eventTypes = usePushEventTypes();
  const set = <K extends keyof DetailsForm>(name: K, value: DetailsForm[K]) =>
    onChange((details) => ({ ...details, [name]: value }), [name]);
  const name = (item: { name_ru: string; name_kz: string }) => item.name_ru || item.name_kz;

  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('campaign.details.campaign')}>
        <Row gutter={[16, 12]}>
          <Col xs={24}>
            <FormField
              field="type"
              label={t('campaign.details.type')}
              asGroup
              hint={t(`campaign.details.typeHint.${form.type}`)}
            >
              <Segmented
                id="campaign-type"
                data-testid="details-type"
                aria-label={t('campaign.details.type')}
                value={form.type}
                onChange={(type) =>
                  onChange((details) => withType(details, type as CampaignType), ['type', 'stream', 'rb3'])
                }
                options={CAMPAIGN_TYPES.map((type) => ({ value: type, label: t(`campaign.details.types.${type}`) }))}
              />
            </FormField>
          </Col>
          <Col xs={24} md={12}>
            <FormField field="name" label={t('campaign.details.name')} required error={errors.name}>
              <Input
                {...controlProps('name', errors.name, true)}
                data-testid="details-name"
                value={form.name}
                maxLength={LIMITS.name}
                placeholder={t('campaign.details.namePlaceholder')}
                onChange={(e) => set('name', e.target.value)}
              />
            </FormField>
          </Col>
          <Col xs={24} md={12}>
            <FormField field="stream" label={t('campaign.details.stream')} required error={errors.stream}>
              <Select
                {...controlProps('stream', errors.stream, true)}
                data-testid="details-stream"
                showSearch={{ optionFilterProp: 'label' }}
                loading={streams.isPending}
                placeholder={t('campaign.details.streamPlaceholder', { type: form.type })}
                value={form.stream ?? undefined}
                onChange={(stream: string) => set('stream', stream)}
                options={(streams.data ?? []).map((stream) => ({
                  value: stream.code,
                  label: `${name(stream)} (${stream.code})`,
                }))}
                style={{ width: '100%' }}
              />
            </FormField>
            {streams.isError ? (
              <div style={{ marginTop: 8 }}>
                <ErrorAlert
                  title={t('campaign.details.streamsError')}
                  error={streams.error}
                  onRetry={() => void streams.refetch()}
                />
              </div>
            ) : null}
          </Col>
          <Col xs={24} md={12}>
            <FormField field="description" label={t('campaign.details.description')} error={errors.description}>
              <Input.TextArea
                {...controlProps('description', errors.description)}
                data-testid="details-description"
                value={form.description}
                maxLength={LIMITS.description}
                autoSize={{ minRows: 2, maxRows: 6 }}
                onChange={(e) => set('description', e.target.value)}
              />
            </FormField>
          </Col>
          <Col xs={24} md={12}>
            <FormField
              field="product_code"
              label={t('campaign.details.productCode')}
              error={errors.product_code}
              hint={t('campaign.details.productCodeHint')}
            >
              <Input
                {...controlProps('product_code', errors.product_code)}
                data-testid="details-product"
                value={form.product_code}
                maxLength={LIMITS.productCode}
                onChange={(e) => set('product_code', e.target.value)}
              />
            </FormField>
          </Col>
        </Row>
      </Card>

      <Card size="small" title={t('campaign.details.channelsAndTexts')}>
        <Flex vertical gap={12}>
          <FormField field="channels" label={t('campaign.details.channels')} required asGroup error={errors.channels}>
            <div id="campaign-channels" data-testid="details-channels">
              <Checkbox.Group
                value={form.channels}
                onChange={(channels) =>
                  onChange((details) => withChannels(details, channels as ChannelCode[]), [
                    'channels',
                    'texts',
                    'popup',
                    'push_event_type',
                  ])
                }
                options={CHANNELS.map((channel) => ({ value: channel, label: t(`campaign.channels.${channel}`) }))}
              />
            </div>
          </FormField>
          {form.channels.includes('push') ? (
            <FormField
              field="push_event_type"
              label={t('campaign.details.pushEventType')}
              error={errors.push_event_type}
              hint={t('campaign.details.pushEventTypeHint')}
            >
              <Select
                {...controlProps('push_event_type', errors.push_event_type)}
                data-testid="details-push-event"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                loading={eventTypes.isPending}
                placeholder={t('campaign.details.pushEventTypePlaceholder')}
                value={form.push_event_type ?? undefined}
                onChange={(code?: string) => set('push_event_type', code ?? null)}
                options={(eventTypes.data ?? []).map((type) => ({
                  value: type.code,
                  label: `${name(type)} (${type.code})`,
                }))}
                style={{ width: '100%', maxWidth: 480 }}
              />
            </FormField>
          ) : null}
          <FormField field="pool_share" label={t('poolShare.label')} hint={t('poolShare.help')}>
            <Switch
              id="campaign-pool-share"
              data-testid="details-pool-share"
              checked={form.pool_share ?? false}
              onChange={(checked) => set('pool_share', checked)}
            />
          </FormField>
          <FormField
            field="cost_per_contact"
            label={t('campaign.details.costPerContact')}
            error={errors.cost_per_contact}
            hint={t('campaign.details.costPerContactHint')}
          >
            <InputNumber
              {...controlProps('cost_per_contact', errors.cost_per_contact)}
              data-testid="details-cost-per-contact"
              min={0}
              max={1_000_000_000}
              step={10}
              value={form.cost_per_contact ?? null}
              onChange={(value) => set('cost_per_contact', typeof value === 'number' ? value : null)}
              style={{ width: 200 }}
            />
          </FormField>
          <TextsSection
            form={form}
            errors={errors}
            tab={textTab}
            onTab={onTextTab}
            onText={(lang, change) =>
              onChange(
                (details) => ({
                  ...details,
                  texts: { ...details.texts, [lang]: { ...details.texts[lang], ...change } },
                }),
                Object.keys(change).map((part) => `texts.${lang}.${part}`),
              )
            }
          />
          <FormField
            field="deep_link"
            label={t('campaign.details.deepLink')}
            error={errors.deep_link}
            hint={t('campaign.details.linkHint')}
          >
            <Input
              {...controlProps('deep_link', errors.deep_link)}
              data-testid="details-deep-link"
              value={form.deep_link}
              maxLength={LIMITS.link}
              placeholder="bankapp://promo/travel"
              onChange={(e) => set('deep_link', e.target.value)}
              style={{ maxWidth: 480 }}
            />
          </FormField>
        </Flex>
      </Card>

      <Card size="small" title={t('campaign.details.dates')}>
        <Row gutter={[16, 12]}>
          <Col xs={24} sm={12} md={8}>
            <FormField
              field="start_date"
              label={t('campaign.details.startDate')}
              required
              error={errors.start_date}
              hint={t('campaign.details.startDateHint')}
            >
              <DatePicker
                {...controlProps('start_date', errors.start_date, true)}
                data-testid="details-start"
                format={dateFormat(language)}
                value={form.start_date ? dayjs(form.start_date) : null}
                disabledDate={(date) => date.format('YYYY-MM-DD') < today}
                onChange={(date) => set('start_date', date ? date.format('YYYY-MM-DD') : null)}
                style={{ width: '100%' }}
              />
            </FormField>
          </Col>
          <Col xs={24} sm={12} md={8}>
            <FormField field="end_date" label={t('campaign.details.endDate')} required error={errors.end_date}>
              <DatePicker
                {...controlProps('end_date', errors.end_date, true)}
                data-testid="details-end"
                format={dateFormat(language)}
                value={form.end_date ? dayjs(form.end_date) : null}
                disabledDate={(date) => date.format('YYYY-MM-DD') < (form.start_date ?? today)}
                onChange={(date) => set('end_date', date ? date.format('YYYY-MM-DD') : null)}
                style={{ width: '100%' }}
              />
            </FormField>
          </Col>
        </Row>
      </Card>

      {form.type === 'RB3' ? (
        <Rb3Section
          rb3={form.rb3}
          errors={errors}
          language={language}
          onChange={(change: Partial<Rb3Form>) =>
            onChange(
              (details) => ({ ...details, rb3: { ...details.rb3, ...change } }),
              ['rb3', ...Object.keys(change).map((key) => `rb3.${key}`)],
            )
          }
        />
      ) : null}

      {form.channels.includes('popup') ? (
        <PopupSection
          popup={form.popup}
          errors={errors}
          onChange={(change: Partial<PopupForm>) =>
            onChange(
              (details) => ({ ...details, popup: { ...details.popup, ...change } }),
              ['popup', ...Object.keys(change).map((key) => `popup.${key}`)],
            )
          }
        />
      ) : null}

      <Text type="secondary" style={{ fontSize: 12 }}>
        {t('campaign.details.requiredNote')}
      </Text>
      {errors.texts ? <Alert type="error" showIcon role="alert" title={errors.texts} /> : null}
    </Flex>
  );
}
