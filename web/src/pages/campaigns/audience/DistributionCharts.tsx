import { Card, Col, Empty, Row, theme } from 'antd';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { formatCount } from '../../../lib/format';
import { EChart } from '../../../components/EChart';
import { deviceName, filialName, genderName, type LabelContext } from './labels';
import type { Bucket, Distributions } from './types';

/** The branches shown one by one; the rest are summed into "others". */
const TOP_FILIALS = 10;

interface Bar {
  name: string;
  count: number;
  /** An aggregate ("others"): drawn in grey so it does not read as one more branch. */
  muted?: boolean;
}

interface Theme {
  primary: string;
  muted: string;
  text: string;
  secondary: string;
  split: string;
}

/** The ECharts option of a bar chart (vertical, or horizontal with the first bar on top). */
function barOption(bars: Bar[], horizontal: boolean, language: string, colors: Theme, seriesName: string) {
  const names = bars.map((b) => b.name);
  const values = bars.map((b) => (b.muted ? { value: b.count, itemStyle: { color: colors.muted } } : b.count));
  const count = (v: number) => formatCount(v, language);
  const valueAxis = {
    type: 'value',
    axisLabel: { formatter: count, color: colors.secondary, fontSize: 11 },
    splitLine: { lineStyle: { color: colors.split } },
  };
  const categoryAxis = {
    type: 'category',
    data: horizontal ? [...names].reverse() : names,
    axisTick: { show: false },
    axisLabel: {
      color: colors.text,
      fontSize: 11,
      interval: 0,
      width: horizontal ? 150 : bars.length <= 4 ? 140 : 80,
      overflow: 'truncate',
    },
  };
  return {
    animationDuration: 200,
    grid: { left: 8, right: 48, top: 16, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: count },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: [
      {
        type: 'bar',
        name: seriesName,
        data: horizontal ? [...values].reverse() : values,
        itemStyle: { color: colors.primary, borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
        barMaxWidth: 28,
        label: {
          show: true,
          position: horizontal ? 'right' : 'top',
          fontSize: 11,
          color: colors.secondary,
          formatter: ({ value }: { value: number }) => count(value),
        },
      },
    ],
  };
}

function BarsChart({
  title,
  bars,
  horizontal = false,
  height,
  language,
  testId,
}: {
  title: string;
  bars: Bar[];
  horizontal?: boolean;
  height: number;
  language: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const total = bars.reduce((sum, b) => sum + b.count, 0);
  const description = `${title}: ${bars.map((b) => `${b.name} — ${formatCount(b.count, language)}`).join(', ')}`;
  const seriesName = t('audience.charts.clients');
  const { colorPrimary, colorText, colorTextSecondary, colorTextQuaternary, colorSplit } = token;
  const option = useMemo(
    () =>
      barOption(
        bars,
        horizontal,
        language,
        {
          primary: colorPrimary,
          muted: colorTextQuaternary,
          text: colorText,
          secondary: colorTextSecondary,
          split: colorSplit,
        },
        seriesName,
      ),
    [bars, horizontal, language, colorPrimary, colorTextQuaternary, colorText, colorTextSecondary, colorSplit, seriesName],
  );
  return (
    <Card size="small" title={title} data-testid={testId} styles={{ body: { padding: 8 } }}>
      {total === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audience.charts.empty')} style={{ height: height - 16 }} />
      ) : (
        <EChart option={option} height={height} label={description} />
      )}
    </Card>
  );
}

function filialBars(buckets: Bucket[], ctx: LabelContext): Bar[] {
  const sorted = [...buckets].sort((a, b) => b.count - a.count);
  const top: Bar[] = sorted.slice(0, TOP_FILIALS).map((b) => ({
    name: b.key === 'unknown' ? ctx.t('audience.values.unknown') : filialName(ctx, b.key).replace(/ филиал$/, ''),
    count: b.count,
  }));
  const rest = sorted.slice(TOP_FILIALS).reduce((sum, b) => sum + b.count, 0);
  if (rest > 0) top.push({ name: ctx.t('audience.charts.others', { n: sorted.length - TOP_FILIALS }), count: rest, muted: true });
  return top;
}

/** The profile of the audience: age bands, gender, device, branches. Redrawn only when the data changes. */
export const DistributionCharts = memo(function DistributionCharts({
  distributions,
  ctx,
}: {
  distributions: Distributions;
  ctx: LabelContext;
}) {
  const { t } = useTranslation();
  const { age, gender, device, filial } = useMemo(
    () => ({
      age: (distributions.age ?? []).map((b) => ({
        name: b.key === 'unknown' ? ctx.t('audience.values.unknown') : b.key,
        count: b.count,
      })),
      gender: (distributions.gender ?? []).map((b) => ({ name: genderName(ctx, b.key), count: b.count })),
      device: (distributions.device ?? []).map((b) => ({ name: deviceName(ctx, b.key), count: b.count })),
      filial: filialBars(distributions.filial ?? [], ctx),
    }),
    [distributions, ctx],
  );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12} xxl={6}>
        <BarsChart title={t('audience.charts.age')} bars={age} height={260} language={ctx.language} testId="chart-age" />
      </Col>
      <Col xs={24} lg={12} xxl={6}>
        <BarsChart title={t('audience.charts.gender')} bars={gender} height={260} language={ctx.language} testId="chart-gender" />
      </Col>
      <Col xs={24} lg={12} xxl={6}>
        <BarsChart title={t('audience.charts.device')} bars={device} height={260} language={ctx.language} testId="chart-device" />
      </Col>
      <Col xs={24} lg={12} xxl={6}>
        <BarsChart
          title={t('audience.charts.filial')}
          bars={filial}
          horizontal
          height={260}
          language={ctx.language}
          testId="chart-filial"
        />
      </Col>
    </Row>
  );
});
