import { Alert, Card, Flex, InputNumber, Select, Switch, Typography } from 'antd';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import type { DraftRank } from './draft';
import { Field } from './Field';
import type { LabelContext } from './labels';

export function RankPanel({
  rank,
  ctx,
  issues,
  onChange,
}: {
  rank: DraftRank;
  ctx: LabelContext;
  issues: string[];
  onChange: (next: DraftRank) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Card
      size="small"
      data-testid="rank"
      title={
        <Flex align="center" gap={8}>
          <Switch
            id={`${id}-on`}
            size="small"
            checked={rank.enabled}
            onChange={(enabled) => onChange({ ...rank, enabled })}
          />
          <label htmlFor={`${id}-on`}>{t('audience.rank.toggle')}</label>
        </Flex>
      }
    >
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: rank.enabled ? 10 : 0 }}>
        {t('audience.rank.hint')}
      </Typography.Text>
      {rank.enabled ? (
        <Flex gap={16} wrap align="flex-start">
          <div style={{ flex: '1 1 260px' }}>
            <Field htmlFor={`${id}-cols`} label={t('audience.rank.columns')}>
              <Select
                id={`${id}-cols`}
                mode="multiple"
                allowClear
                placeholder={t('audience.filters.select')}
                value={rank.sum_of}
                onChange={(sum_of) => onChange({ ...rank, sum_of })}
                options={ctx.options.score_columns.map((c) => ({ value: c, label: c }))}
                style={{ width: '100%' }}
              />
            </Field>
          </div>
          <Field htmlFor={`${id}-min`} label={t('audience.rank.min')} width={170}>
            <InputNumber
              id={`${id}-min`}
              step={0.05}
              value={rank.min}
              placeholder={t('audience.rank.none')}
              onChange={(min) => onChange({ ...rank, min: min ?? null })}
              style={{ width: '100%' }}
            />
          </Field>
          <Field htmlFor={`${id}-top`} label={t('audience.rank.topN')} width={170}>
            <InputNumber
              id={`${id}-top`}
              min={1}
              precision={0}
              value={rank.top_n}
              placeholder={t('audience.rank.none')}
              onChange={(top_n) => onChange({ ...rank, top_n: top_n ?? null })}
              style={{ width: '100%' }}
            />
          </Field>
        </Flex>
      ) : null}
      {issues.length ? <Alert type="error" showIcon role="alert" style={{ marginTop: 8 }} title={issues.join('; ')} /> : null}
    </Card>
  );
}
