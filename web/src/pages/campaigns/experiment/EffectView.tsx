import { Alert, Col, Flex, InputNumber, Row, Select, Skeleton, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { components } from '../../../api/schema';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { EChart } from '../../../components/EChart';
import { formatCount, formatDate, formatNumber, formatPercent, formatPValue } from '../../../lib/format';
import { useCampaignEffect, useOutcomes } from './api';

type Effect = components['schemas']['EffectOut'];
type Lift = components['schemas']['LiftOut'];

const { Text } = Typography;
const PALETTE = ['#8c8c8c', '#1677ff', '#52c41a', '#fa8c16', '#eb2f96'];

/** A difference of rates in percentage points, signed. */
function points(value: number, language: string): string {
  const pp = value * 100;
  const unit = language === 'en' ? 'pp' : language === 'kk' ? 'п.т.' : 'п.п.';
  return `${pp >= 0 ? '+' : ''}${formatNumber(pp, language, 2)} ${unit}`;
}

/** A campaign's effect on an outcome: lift per arm with CIs, CUPED, ROI and daily curves. */
export function EffectView({ code }: { code: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const outcomes = useOutcomes(true);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [days, setDays] = useState<number>(30);
  const [cost, setCost] = useState<number | null>(null);
  const options = outcomes.data ?? [];
  const chosen = outcome ?? options.find((o) => !o.built_in)?.name ?? options[0]?.name ?? null;
  const effect = useCampaignEffect(chosen ? { code, outcome: chosen, days, cost } : null);

  return (
    <Flex vertical gap={16} data-testid="effect-view">
      <Flex gap={16} wrap align="center">
        <Flex gap={8} align="center">
          <Text>{t('experiment.effect.outcome')}</Text>
          <Select
            style={{ minWidth: 240 }}
            value={chosen}
            loading={outcomes.isPending}
            options={options.map((o) => ({ value: o.name, label: o.name }))}
            onChange={setOutcome}
            data-testid="effect-outcome"
            aria-label={t('experiment.effect.outcome')}
          />
        </Flex>
        <Flex gap={8} align="center">
          <Text>{t('experiment.effect.days')}</Text>
          <InputNumber
            min={1}
            max={366}
            value={days}
            onChange={(v) => v !== null && setDays(v)}
            data-testid="effect-days"
            aria-label={t('experiment.effect.days')}
          />
        </Flex>
        <Flex gap={8} align="center">
          <Text>{t('experiment.effect.cost')}</Text>
          <InputNumber
            min={0}
            value={cost}
            onChange={(v) => setCost(v)}
            data-testid="effect-cost"
            aria-label={t('experiment.effect.cost')}
          />
        </Flex>
      </Flex>
      {outcomes.data && options.length === 0 ? <Alert type="info" showIcon title={t('experiment.effect.noOutcomes')} /> : null}
      {effect.isError ? <ErrorAlert title={t('experiment.effect.loadError')} error={effect.error} /> : null}
      {effect.isPending && chosen ? <Skeleton active /> : null}
      {effect.data ? <EffectResult effect={effect.data} language={language} /> : null}
    </Flex>
  );
}

function LiftCell({ lift, language, testId }: { lift: Lift; language: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <Flex vertical data-testid={testId} data-absolute={lift.absolute} data-low={lift.absolute_low} data-high={lift.absolute_high}>
      <Text strong>{points(lift.absolute, language)}</Text>
      <Text type="secondary" style={{ fontSize: 12 }}>
        [{points(lift.absolute_low, language)}; {points(lift.absolute_high, language)}]
      </Text>
      <Text style={{ fontSize: 12 }}>
        p = {formatPValue(lift.p_value, language)}{' '}
        <Tag color={lift.significant ? 'success' : 'default'}>
          {lift.significant ? t('experiment.effect.significant') : t('experiment.effect.notSignificant')}
        </Tag>
      </Text>
    </Flex>
  );
}

function EffectResult({ effect, language }: { effect: Effect; language: string }) {
  const { t } = useTranslation();
  const ci = useMemo(
    () => ({
      grid: { left: 90, right: 24, top: 16, bottom: 30 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${formatNumber(v * 100, language, 1)}` } },
      yAxis: { type: 'category', data: effect.arms.map((a) => a.name) },
      series: [
        ...effect.arms.map((a, i) => ({
          type: 'line',
          name: a.name,
          symbol: 'none',
          lineStyle: { width: 6, color: PALETTE[a.index] ?? PALETTE[1], opacity: 0.5 },
          data: [
            [a.conversion.absolute_low, i],
            [a.conversion.absolute_high, i],
          ],
        })),
        {
          type: 'scatter',
          symbolSize: 12,
          itemStyle: { color: '#262626' },
          data: effect.arms.map((a, i) => [a.conversion.absolute, i]),
          markLine: { silent: true, symbol: 'none', data: [{ xAxis: 0 }], lineStyle: { type: 'dashed' } },
        },
      ],
    }),
    [effect, language],
  );
  const curves = useMemo(
    () => ({
      grid: { left: 50, right: 16, top: 30, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: effect.dates.map((d) => formatDate(d, language)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatPercent(v, language, 0) } },
      series: effect.daily.map((c) => ({
        name: c.name,
        type: 'line',
        showSymbol: false,
        itemStyle: { color: PALETTE[c.index] },
        data: c.cumulative_rate,
      })),
    }),
    [effect, language],
  );
  const byIndex = new Map(effect.arms.map((a) => [a.index, a]));
  const rows = effect.groups.map((g) => ({ key: g.index, group: g, arm: byIndex.get(g.index) }));
  return (
    <Flex vertical gap={16} data-testid="effect-result">
      <Text type="secondary">
        {t('experiment.effect.window', {
          from: formatDate(effect.window_start, language),
          to: formatDate(effect.window_end, language),
          observed: effect.observed_days,
          days: effect.days,
        })}
      </Text>
      <Table
        size="small"
        pagination={false}
        dataSource={rows}
        data-testid="effect-table"
        columns={[
          { title: t('experiment.effect.group'), key: 'name', render: (_: unknown, r) => <Tag color={PALETTE[r.group.index]}>{r.group.name}</Tag> },
          { title: t('experiment.effect.members'), key: 'members', align: 'right', render: (_: unknown, r) => formatCount(r.group.members, language) },
          { title: t('experiment.effect.converted'), key: 'converted', align: 'right', render: (_: unknown, r) => formatCount(r.group.converted, language) },
          {
            title: t('experiment.effect.rate'),
            key: 'rate',
            align: 'right',
            render: (_: unknown, r) => formatPercent(r.group.conversion_rate, language, 2),
          },
          {
            title: `${t('experiment.effect.lift')} · ${t('experiment.effect.ci')}`,
            key: 'lift',
            render: (_: unknown, r) =>
              r.arm ? <LiftCell lift={r.arm.conversion} language={language} testId={`effect-lift-${r.group.index}`} /> : '—',
          },
          {
            title: `${t('experiment.effect.cuped')}`,
            key: 'cuped',
            render: (_: unknown, r) =>
              r.arm ? <LiftCell lift={r.arm.conversion_cuped} language={language} testId={`effect-cuped-${r.group.index}`} /> : '—',
          },
          ...(effect.has_value
            ? [
                {
                  title: t('experiment.effect.meanValue'),
                  key: 'value',
                  align: 'right' as const,
                  render: (_: unknown, r: (typeof rows)[number]) =>
                    r.group.mean_value === null || r.group.mean_value === undefined
                      ? '—'
                      : `${formatNumber(r.group.mean_value, language, 0)} ₸` +
                        (r.arm?.value ? ` (${r.arm.value.absolute >= 0 ? '+' : ''}${formatNumber(r.arm.value.absolute, language, 0)})` : ''),
                },
                {
                  title: t('experiment.effect.roi'),
                  key: 'roi',
                  align: 'right' as const,
                  render: (_: unknown, r: (typeof rows)[number]) =>
                    r.arm?.roi === null || r.arm?.roi === undefined ? '—' : formatPercent(r.arm.roi, language, 0),
                },
              ]
            : []),
        ]}
      />
      <Text type="secondary" data-testid="effect-cuped">
        {t('experiment.effect.cupedReduction', {
          conv: formatPercent(Math.max(0, effect.variance_reduction_conversion), language),
          value:
            effect.variance_reduction_value === null || effect.variance_reduction_value === undefined
              ? '—'
              : formatPercent(Math.max(0, effect.variance_reduction_value), language),
          from: formatDate(effect.pre_start, language),
          to: formatDate(effect.window_start, language),
        })}
      </Text>
      {effect.unplaced > 0 ? <Text type="secondary">{t('experiment.effect.unplaced', { n: effect.unplaced })}</Text> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Text strong>{t('experiment.effect.ciChart')}</Text>
          <EChart option={ci} height={Math.max(160, 60 * effect.arms.length + 60)} label={t('experiment.effect.ciLabel')} />
        </Col>
        <Col xs={24} xl={14}>
          <Text strong>{t('experiment.effect.curves')}</Text>
          <EChart option={curves} height={280} label={t('experiment.effect.curvesLabel')} />
        </Col>
      </Row>
    </Flex>
  );
}
