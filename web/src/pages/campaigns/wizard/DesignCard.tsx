import { Alert, Card, Flex, InputNumber, Select, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { DEFAULT_DESIGN, groupName } from './design';
import type { DesignForm } from './types';

const { Text } = Typography;

/** Strata the server knows without the catalog; numeric feature-store columns are cut into deciles. */
const CATEGORICAL = ['age_band', 'gender', 'filial', 'region', 'device', 'mau'];
const NUMERIC = ['score_credit', 'score_deposit', 'score_travel', 'score_insurance', 'score_market', 'balance_kzt', 'txn_cnt_30d'];

/** Equal arms after the control's share (whole percents; the last takes the rest). */
function sharesFor(groups: number, control: number): number[] {
  const arms = groups - 1;
  const each = Math.floor(((100 - control) / arms) * 10) / 10;
  const shares = [control, ...Array.from({ length: arms }, () => each)];
  shares[arms] = Math.round((100 - control - each * (arms - 1)) * 10) / 10;
  return shares;
}

/** The split step's A/B/n design: groups and shares, strata, re-randomisation count. */
export function DesignCard({ design, onChange }: { design: DesignForm | undefined; onChange: (design: DesignForm) => void }) {
  const { t } = useTranslation();
  const value = design ?? DEFAULT_DESIGN;
  const sum = Math.round(value.shares.reduce((a, b) => a + b, 0) * 10) / 10;
  const set = (change: Partial<DesignForm>) => onChange({ ...value, ...change });
  return (
    <Card size="small" title={t('experiment.design.title')} data-testid="split-design">
      <Flex vertical gap={12}>
        <Flex gap={8} align="center">
          <Switch checked={value.enabled} onChange={(enabled) => set({ enabled })} data-testid="design-enabled" />
          <Text>{t('experiment.design.enabled')}</Text>
        </Flex>
        <Text type="secondary" style={{ fontSize: 12 }}>
          {t('experiment.design.enabledHint')}
        </Text>
        {value.enabled ? (
          <>
            <Flex gap={8} align="center">
              <Text>{t('experiment.design.groups')}</Text>
              <InputNumber
                min={2}
                max={5}
                value={value.shares.length}
                onChange={(n) => n !== null && set({ shares: sharesFor(n, value.shares[0] ?? 20) })}
                data-testid="design-groups"
                aria-label={t('experiment.design.groups')}
              />
            </Flex>
            <Flex gap={8} wrap>
              {value.shares.map((share, index) => (
                <Flex key={index} vertical gap={2}>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {index === 0 ? t('experiment.design.control') : t('experiment.design.arm', { name: groupName(index) })}
                  </Text>
                  <InputNumber
                    min={1}
                    max={index === 0 ? 50 : 99}
                    step={1}
                    suffix="%"
                    value={share}
                    onChange={(v) => set({ shares: value.shares.map((s, i) => (i === index ? (v ?? 0) : s)) })}
                    data-testid={`design-share-${index}`}
                    aria-label={`${t('experiment.design.share')} ${groupName(index)}`}
                    style={{ width: 96 }}
                  />
                </Flex>
              ))}
            </Flex>
            {sum !== 100 ? <Alert type="warning" showIcon title={t('experiment.design.sharesSum', { sum })} /> : null}
            <Flex vertical gap={4}>
              <Text>{t('experiment.design.strata')}</Text>
              <Select
                mode="multiple"
                maxCount={4}
                value={value.strata}
                onChange={(strata) => set({ strata })}
                options={[
                  ...CATEGORICAL.map((s) => ({ value: s, label: t(`experiment.strata.${s}`) })),
                  ...NUMERIC.map((s) => ({ value: s, label: s })),
                ]}
                data-testid="design-strata"
                aria-label={t('experiment.design.strata')}
              />
              <Text type="secondary" style={{ fontSize: 12 }}>
                {t('experiment.design.strataHint')}
              </Text>
            </Flex>
            <Flex gap={8} align="center">
              <Text>{t('experiment.design.rerandomize')}</Text>
              <InputNumber
                min={1}
                max={1000}
                value={value.rerandomize}
                onChange={(n) => n !== null && set({ rerandomize: n })}
                data-testid="design-rerandomize"
                aria-label={t('experiment.design.rerandomize')}
              />
            </Flex>
            <Text type="secondary" style={{ fontSize: 12 }}>
              {t('experiment.design.rerandomizeHint')}
            </Text>
          </>
        ) : null}
      </Flex>
    </Card>
  );
}
