import { CheckCircleOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  InputNumber,
  Row,
  Slider,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import {
  decimalSeparator,
  formatCount,
  formatNumber,
  formatPercent,
  formatPValue,
  formatShare,
  percentToShare,
  shareToPercent,
} from '../../../lib/format';
import { BalanceProofView } from '../experiment/BalanceProofView';
import { useSplitPreview } from './api';
import { DesignCard } from './DesignCard';
import { controlProps } from './fields';
import { FormField } from './FormField';
import { randomSeed } from './state';
import type { ChosenAudience, FieldErrors, SplitForm } from './types';
import { MAX_SEED } from './validation';

const { Text } = Typography;

/** Step 2: the control group's share and the seed of the split, with a live check of the split. */
export function SplitStep({
  audience,
  split,
  errors,
  onChange,
}: {
  audience: ChosenAudience;
  split: SplitForm;
  errors: FieldErrors;
  onChange: (change: Partial<SplitForm>) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const design = split.design?.enabled ? split.design : undefined;
  const sharesOk = !design || Math.round(design.shares.reduce((a, b) => a + b, 0) * 10) / 10 === 100;
  const valid = !errors.control_share && !errors.split_seed && split.share !== null && split.seed !== null && sharesOk;
  const preview = useSplitPreview(
    valid && split.share !== null && split.seed !== null
      ? { audienceId: audience.id, share: split.share, seed: split.seed, ...(design ? { design } : {}) }
      : null,
  );
  const result = preview.data;
  const count = (n: number) => formatCount(n, language);

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={10}>
        <Card size="small" title={t('campaign.split.settings')}>
          <Flex vertical gap={16}>
            <Text type="secondary">
              {t('campaign.split.audience', { name: audience.name, size: count(audience.size) })}
            </Text>
            <FormField
              field="control_share"
              label={t('campaign.split.share')}
              required
              error={errors.control_share}
              hint={
                split.share !== null
                  ? t('campaign.split.shareHint', {
                      percent: formatShare(split.share, language),
                      n: count(Math.round(audience.size * split.share)),
                    })
                  : undefined
              }
            >
              <Flex gap={12} align="center">
                {/* Typed and shown in percent (0–50, one decimal at most); the API takes the fraction. */}
                <InputNumber
                  {...controlProps('control_share', errors.control_share, true)}
                  data-testid="split-share"
                  min={0}
                  max={50}
                  step={1}
                  decimalSeparator={decimalSeparator(language)}
                  suffix="%"
                  value={split.share === null ? null : shareToPercent(split.share)}
                  onChange={(value) => onChange({ share: value === null ? null : percentToShare(value) })}
                  style={{ width: 110 }}
                />
                <Slider
                  ariaLabelForHandle={t('campaign.split.shareSlider')}
                  min={0}
                  max={50}
                  step={1}
                  value={split.share === null ? 0 : shareToPercent(split.share)}
                  tooltip={{
                    formatter: (value) => (value === undefined ? '' : formatShare(percentToShare(value), language)),
                  }}
                  onChange={(value) => onChange({ share: percentToShare(value) })}
                  style={{ flex: 1 }}
                />
              </Flex>
            </FormField>
            <FormField
              field="split_seed"
              label={t('campaign.split.seed')}
              required
              error={errors.split_seed}
              hint={t('campaign.split.seedHint')}
            >
              <Space.Compact>
                <InputNumber
                  {...controlProps('split_seed', errors.split_seed, true)}
                  data-testid="split-seed"
                  min={0}
                  max={MAX_SEED}
                  step={1}
                  precision={0}
                  value={split.seed}
                  onChange={(value) => onChange({ seed: value ?? null })}
                  style={{ width: 180 }}
                />
                <Button
                  icon={<ReloadOutlined />}
                  data-testid="split-new-seed"
                  onClick={() => onChange({ seed: randomSeed() })}
                >
                  {t('campaign.split.newSeed')}
                </Button>
              </Space.Compact>
            </FormField>
            {split.share === 0 ? <Alert type="warning" showIcon title={t('campaign.split.noControl')} /> : null}
          </Flex>
        </Card>
        <div style={{ height: 16 }} />
        <DesignCard
          design={split.design}
          onChange={(next) =>
            onChange({ design: next, ...(next.enabled && next.shares[0] ? { share: next.shares[0] / 100 } : {}) })
          }
        />
      </Col>
      <Col xs={24} lg={14}>
        <Card
          size="small"
          title={t('campaign.split.result')}
          data-testid="split-preview"
          data-fresh={preview.fresh && !preview.pending ? 'true' : 'false'}
          extra={preview.pending ? <Text type="secondary">{t('campaign.split.counting')}</Text> : null}
        >
          {preview.isError && !preview.pending ? (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={t('campaign.split.failed')}
              description={errorMessage(preview.error, t)}
            />
          ) : null}
          {!result && !preview.isError ? (
            <Text type="secondary">{valid ? t('campaign.split.counting') : t('campaign.split.fix')}</Text>
          ) : null}
          {result ? (
            <Flex vertical gap={16} style={{ opacity: preview.fresh ? 1 : 0.55 }}>
              <Row gutter={16}>
                <Col span={12}>
                  <Statistic
                    title={t('campaign.split.target')}
                    value={count(result.target)}
                    suffix={
                      <Text type="secondary" style={{ fontSize: 14 }}>
                        {formatPercent(1 - result.observed_control_share, language)}
                      </Text>
                    }
                    data-testid="split-target"
                  />
                </Col>
                <Col span={12}>
                  <Statistic
                    title={t('campaign.split.control')}
                    value={count(result.control)}
                    suffix={
                      <Text type="secondary" style={{ fontSize: 14 }}>
                        {formatPercent(result.observed_control_share, language)}
                      </Text>
                    }
                    data-testid="split-control"
                  />
                </Col>
              </Row>
              <Descriptions
                size="small"
                column={1}
                items={[
                  {
                    key: 'srm',
                    label: t('campaign.split.srm'),
                    children: (
                      <Flex gap={8} align="center" wrap>
                        <Text data-testid="split-pvalue" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          p = {formatPValue(result.srm_p_value, language)}
                        </Text>
                        {result.mismatch ? (
                          <Tag color="error" icon={<WarningOutlined />} data-testid="split-srm" data-ok="false">
                            {t('campaign.split.srmMismatch')}
                          </Tag>
                        ) : (
                          <Tag color="success" icon={<CheckCircleOutlined />} data-testid="split-srm" data-ok="true">
                            {t('campaign.split.srmOk')}
                          </Tag>
                        )}
                      </Flex>
                    ),
                  },
                  {
                    key: 'chi2',
                    label: 'χ²',
                    children: <span data-testid="split-chi2">{formatNumber(result.chi2, language, 3)}</span>,
                  },
                ]}
              />
              <Text type="secondary" style={{ fontSize: 12 }}>
                {result.mismatch ? t('campaign.split.srmMismatchHint') : t('campaign.split.srmHint')}
              </Text>
            </Flex>
          ) : null}
        </Card>
      </Col>
      {result?.experiment && preview.fresh ? (
        <Col span={24}>
          <Card size="small" title={t('experiment.balance.title')}>
            <BalanceProofView experiment={result.experiment} />
          </Card>
        </Col>
      ) : null}
    </Row>
  );
}
