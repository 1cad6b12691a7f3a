import { Alert, Card, DatePicker, Flex, Radio, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { dateFormat, formatCount } from '../../../lib/format';
import { newSource, SOURCE_KINDS, type DraftSource, type SourceKind } from './draft';
import { Field, GroupField } from './Field';
import { productName, usableUploads, type LabelContext } from './labels';

const { Text } = Typography;

export interface SourcePickerProps {
  source: DraftSource;
  referenceDate: string;
  ctx: LabelContext;
  issues: string[];
  onChange: (next: DraftSource) => void;
  onReferenceDate: (date: string) => void;
}

function SourceDetails({ source, ctx, onChange }: Pick<SourcePickerProps, 'source' | 'ctx' | 'onChange'>) {
  const { t } = useTranslation();
  const id = useId();
  switch (source.kind) {
    case 'feature_store':
      return (
        <Text type="secondary">
          {t('audience.source.featureStoreHint', { n: formatCount(ctx.options.feature_store.customers, ctx.language) })}
        </Text>
      );
    case 'products':
      return (
        <Flex gap={16} wrap align="flex-start">
          <div style={{ flex: '1 1 300px' }}>
            <Field htmlFor={id} label={t('audience.source.products_label')}>
              <Select
                id={id}
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('audience.filters.select')}
                value={source.products}
                onChange={(products) => onChange({ ...source, products })}
                options={ctx.options.products.map((p) => ({
                  value: p.code,
                  label: `${productName(ctx, p.code)} · ${formatCount(p.rows, ctx.language)}`,
                }))}
                style={{ width: '100%' }}
              />
            </Field>
          </div>
          <GroupField label={t('audience.source.productsMode')}>
            <Radio.Group
              value={source.mode}
              onChange={(e) => onChange({ ...source, mode: e.target.value as 'any' | 'all' })}
              options={[
                { value: 'any', label: t('audience.source.productsAny') },
                { value: 'all', label: t('audience.source.productsAll') },
              ]}
            />
          </GroupField>
        </Flex>
      );
    case 'upload': {
      const uploads = usableUploads(ctx.uploads);
      return (
        <Field
          htmlFor={id}
          label={t('audience.source.uploadLabel')}
          hint={uploads.length ? t('audience.source.joinedHint') : t('audience.source.uploadsEmpty')}
        >
          <Select
            id={id}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('audience.source.uploadPlaceholder')}
            value={source.upload_id ?? undefined}
            onChange={(upload_id?: string) => onChange({ ...source, upload_id: upload_id ?? null })}
            options={uploads.map((u) => ({
              value: u.id as string,
              label: `${u.filename} · ${formatCount(u.unique_iins, ctx.language)}`,
            }))}
            style={{ width: '100%', maxWidth: 480 }}
          />
        </Field>
      );
    }
    case 'audience':
      return (
        <Field
          htmlFor={id}
          label={t('audience.source.audienceLabel')}
          hint={ctx.audiences.length ? t('audience.source.joinedHint') : t('audience.source.audiencesEmpty')}
        >
          <Select
            id={id}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('audience.source.audiencePlaceholder')}
            value={source.audience_id ?? undefined}
            onChange={(audience_id?: string) => onChange({ ...source, audience_id: audience_id ?? null })}
            options={ctx.audiences.map((a) => ({
              value: a.id,
              label: `${a.name} · ${formatCount(a.size, ctx.language)}`,
            }))}
            style={{ width: '100%', maxWidth: 480 }}
          />
        </Field>
      );
  }
}

export function SourcePicker({ source, referenceDate, ctx, issues, onChange, onReferenceDate }: SourcePickerProps) {
  const { t } = useTranslation();
  const dateId = useId();
  return (
    <Card title={t('audience.source.title')} size="small" data-testid="source">
      <Flex vertical gap={12}>
        <GroupField label={t('audience.source.kindLabel')}>
          <Radio.Group
            value={source.kind}
            onChange={(e) => onChange(newSource(e.target.value as SourceKind))}
            options={SOURCE_KINDS.map((kind) => ({ value: kind, label: t(`audience.source.${kind}`) }))}
          />
        </GroupField>
        <SourceDetails source={source} ctx={ctx} onChange={onChange} />
        <Field htmlFor={dateId} label={t('audience.referenceDate')} hint={t('audience.referenceDateHint')}>
          <DatePicker
            id={dateId}
            allowClear={false}
            format={dateFormat(ctx.language)}
            value={dayjs(referenceDate)}
            onChange={(date) => {
              if (date) onReferenceDate(date.format('YYYY-MM-DD'));
            }}
            style={{ width: 170 }}
          />
        </Field>
        {issues.length ? <Alert type="error" showIcon role="alert" title={issues.join('; ')} /> : null}
      </Flex>
    </Card>
  );
}
