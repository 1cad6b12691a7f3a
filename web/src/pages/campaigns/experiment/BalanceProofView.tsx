import { CheckCircleOutlined, CloseCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Col, Flex, Row, Select, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { components } from '../../../api/schema';
import { EChart } from '../../../components/EChart';
import { formatCount, formatNumber, formatPercent, formatPValue } from '../../../lib/format';

export type ExperimentOut = components['schemas']['ExperimentOut'];
type Covariate = components['schemas']['CovariateBalance'];
type Verdict = Covariate['verdict'];

const { Text } = Typography;
const PALETTE = ['#8c8c8c', '#1677ff', '#52c41a', '#fa8c16', '#eb2f96'];

export function VerdictTag({ verdict, testId }: { verdict: Verdict; testId?: string }) {
  const { t } = useTranslation();
  const props = {
    ok: { color: 'success', icon: <CheckCircleOutlined /> },
    warn: { color: 'warning', icon: <WarningOutlined /> },
    fail: { color: 'error', icon: <CloseCircleOutlined /> },
  }[verdict];
  return (
    <Tag color={props.color} icon={props.icon} data-testid={testId} data-verdict={verdict}>
      {t(`experiment.balance.${verdict}`)}
    </Tag>
  );
}

/** The balance proof of a split: verdicts, the covariate table, the love plot and overlays. */
export function BalanceProofView({ experiment }: { experiment: ExperimentOut }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const balance = experiment.balance;
  const names = experiment.groups.map((g) => g.name);
  const numeric = balance.covariates.filter((c) => c.kind === 'numeric');
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const shown = balance.covariates.find((c) => c.name === chosen) ?? numeric[0] ?? balance.covariates[0];
  const label = (name: string) => (t(`experiment.strata.${name}`, { defaultValue: name }));

  const love = useMemo(
    () => ({
      grid: { left: 130, right: 24, top: 30, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', name: '|SMD|', min: 0 },
      yAxis: { type: 'category', data: balance.love_plot.map((p) => label(p.name)), inverse: true },
      series: [
        {
          name: t('experiment.balance.before'),
          type: 'scatter',
          symbol: 'circle',
          itemStyle: { color: '#bfbfbf' },
          data: balance.love_plot.map((p) => Number(p.before.toFixed(4))),
        },
        {
          name: t('experiment.balance.after'),
          type: 'scatter',
          symbol: 'diamond',
          symbolSize: 12,
          itemStyle: { color: '#1677ff' },
          data: balance.love_plot.map((p) => Number(p.after.toFixed(4))),
          markLine: { silent: true, symbol: 'none', data: [{ xAxis: 0.1 }], lineStyle: { type: 'dashed', color: '#ff4d4f' } },
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [balance, language],
  );

  const overlay = useMemo(() => {
    if (!shown) return null;
    if (shown.kind === 'numeric' && shown.edges && shown.histograms) {
      const edges = shown.edges;
      const mids = edges.slice(0, -1).map((e, i) => formatNumber((e + (edges[i + 1] ?? e)) / 2, language, 2));
      return {
        grid: { left: 50, right: 16, top: 30, bottom: 30 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: mids },
        yAxis: { type: 'value' },
        series: shown.histograms.map((h, g) => ({
          name: names[g],
          type: 'line',
          smooth: true,
          showSymbol: false,
          itemStyle: { color: PALETTE[g] },
          data: h,
        })),
      };
    }
    return {
      grid: { left: 50, right: 16, top: 30, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: shown.categories ?? [] },
      yAxis: { type: 'value' },
      series: (shown.shares ?? []).map((s, g) => ({
        name: names[g],
        type: 'bar',
        itemStyle: { color: PALETTE[g] },
        data: s,
      })),
    };
  }, [shown, names, language]);

  const rows = balance.covariates.map((c) => ({ key: c.name, ...c }));
  return (
    <Flex vertical gap={16} data-testid="balance-proof" data-verdict={balance.verdict}>
      <Flex gap={12} wrap align="center">
        <Text strong>{t('experiment.balance.verdict')}:</Text>
        <VerdictTag verdict={balance.verdict} testId="balance-verdict" />
        <Text data-testid="balance-srm">
          {t('experiment.balance.srm', { p: formatPValue(balance.srm.p_value, language) })}
        </Text>
        <VerdictTag verdict={balance.srm.verdict} testId="balance-srm-verdict" />
      </Flex>
      <Flex gap={16} wrap>
        {experiment.groups.map((g, i) => (
          <Text key={g.name} data-testid={`balance-group-${i}`} data-size={g.size}>
            <Tag color={PALETTE[i]}>{g.name}</Tag>
            {formatCount(g.size, language)} ({formatPercent(g.share, language)})
          </Text>
        ))}
      </Flex>
      <Text type="secondary">
        {t('experiment.balance.salt', {
          salt: experiment.salt,
          n: experiment.rerandomize,
          before: formatNumber(experiment.max_smd_before, language, 4),
          after: formatNumber(experiment.max_smd_after, language, 4),
        })}
        {' · '}
        {t('experiment.balance.strataCount', { n: experiment.strata_count })}
      </Text>
      <Table
        size="small"
        pagination={false}
        dataSource={rows}
        data-testid="balance-table"
        columns={[
          { title: t('experiment.balance.covariate'), dataIndex: 'name', render: (name: string) => label(name) },
          {
            title: t('experiment.balance.test'),
            dataIndex: 'kind',
            render: (kind: string) => (kind === 'numeric' ? t('experiment.balance.ks') : t('experiment.balance.chi2')),
          },
          {
            title: t('experiment.balance.statistic'),
            key: 'statistic',
            align: 'right',
            render: (_: unknown, c: Covariate) =>
              c.kind === 'numeric'
                ? formatNumber(Math.max(0, ...(c.arms ?? []).map((a) => a.ks)), language, 4)
                : formatNumber(c.chi2 ?? 0, language, 2),
          },
          {
            title: t('experiment.balance.pValue'),
            dataIndex: 'p_value',
            align: 'right',
            render: (p: number) => formatPValue(p, language),
          },
          {
            title: t('experiment.balance.smd'),
            dataIndex: 'max_abs_smd',
            align: 'right',
            render: (v: number) => formatNumber(v, language, 3),
          },
          {
            title: t('experiment.balance.shareDiff'),
            dataIndex: 'largest_share_difference',
            align: 'right',
            render: (v: number | null | undefined, c: Covariate) =>
              v === null || v === undefined ? '—' : `${formatPercent(v, language)} (${c.largest_category ?? ''})`,
          },
          {
            title: t('experiment.balance.verdict'),
            dataIndex: 'verdict',
            render: (v: Verdict, c: Covariate) => <VerdictTag verdict={v} testId={`balance-row-${c.name}`} />,
          },
        ]}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Text strong>{t('experiment.balance.lovePlot')}</Text>
          <EChart option={love} height={Math.max(220, 28 * balance.love_plot.length + 60)} label={t('experiment.balance.loveLabel')} />
        </Col>
        <Col xs={24} xl={12}>
          <Flex gap={8} align="center">
            <Text strong>{t('experiment.balance.overlay')}</Text>
            <Select
              size="small"
              style={{ minWidth: 180 }}
              aria-label={t('experiment.balance.overlayOf')}
              value={shown?.name}
              options={balance.covariates.map((c) => ({ value: c.name, label: label(c.name) }))}
              onChange={setChosen}
              data-testid="balance-overlay-select"
            />
          </Flex>
          {overlay ? (
            <EChart option={overlay} height={280} label={t('experiment.balance.overlayLabel', { name: shown ? label(shown.name) : '' })} />
          ) : null}
        </Col>
      </Row>
    </Flex>
  );
}
