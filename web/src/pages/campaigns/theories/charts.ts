import { LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';

import { formatCount, formatShortDay } from '../../../lib/format';
import { addDays } from '../../../lib/dates';

// The shared chart (components/EChart) draws bars, axes and tooltips; a campaign's contacts also
// have a legend (one series per channel).
echarts.use([LegendComponent]);

export interface ChartColors {
  primary: string;
  planned: string;
  text: string;
  secondary: string;
  split: string;
}

/** Brand-independent channel colours: push blue, pop-up purple, SMS teal. */
export const CHANNEL_COLORS: Record<string, string> = { push: '#1677ff', popup: '#722ed1', sms: '#13a8a8' };

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Every day from `from` to `to` (inclusive), at most `limit` of them; none for a broken day. */
export function daysBetween(from: string, to: string, limit = 400): string[] {
  const days: string[] = [];
  if (!ISO_DAY.test(from) || !ISO_DAY.test(to)) return days;
  for (let day = from; day <= to && days.length < limit; day = addDays(day, 1)) days.push(day);
  return days;
}

function axes(days: string[], language: string, colors: ChartColors) {
  const count = (value: number) => formatCount(value, language);
  return {
    xAxis: {
      type: 'category',
      data: days,
      axisTick: { show: false },
      axisLabel: { color: colors.secondary, fontSize: 11, formatter: (day: string) => formatShortDay(day, language) },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: colors.secondary, fontSize: 11, formatter: count },
      splitLine: { lineStyle: { color: colors.split } },
    },
  };
}

/**
 * The dashboard's contacts per day: the last `days` days up to today and, paler, the contacts
 * already planned ahead (deployed campaigns that start later).
 */
export function dashboardContactsOption(
  series: { day: string; count: number }[],
  today: string,
  days: number,
  language: string,
  colors: ChartColors,
  names: { past: string; planned: string },
) {
  const byDay = new Map(series.map((point) => [point.day.slice(0, 10), point.count]));
  const last = series.reduce((latest, point) => (point.day > latest ? point.day.slice(0, 10) : latest), today);
  const axisDays = daysBetween(addDays(today, -(days - 1)), last);
  const count = (value: number) => formatCount(value, language);
  return {
    animationDuration: 200,
    grid: { left: 4, right: 8, top: 12, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: count },
    ...axes(axisDays, language, colors),
    series: [
      {
        type: 'bar',
        name: names.past,
        stack: 'contacts',
        data: axisDays.map((day) => (day <= today ? (byDay.get(day) ?? 0) : '-')),
        itemStyle: { color: colors.primary, borderRadius: [2, 2, 0, 0] },
        barMaxWidth: 14,
      },
      {
        type: 'bar',
        name: names.planned,
        stack: 'contacts',
        data: axisDays.map((day) => (day > today ? (byDay.get(day) ?? 0) : '-')),
        itemStyle: { color: colors.planned, borderRadius: [2, 2, 0, 0] },
        barMaxWidth: 14,
      },
    ],
  };
}

/** A campaign's contacts per day, stacked by channel. */
export function campaignContactsOption(
  rows: { day: string; channel: string; count: number }[],
  language: string,
  colors: ChartColors,
  channelName: (channel: string) => string,
) {
  const first = rows.reduce((min, row) => (row.day < min ? row.day : min), rows[0]?.day ?? '');
  const last = rows.reduce((max, row) => (row.day > max ? row.day : max), rows[0]?.day ?? '');
  // A continuous axis reads as a calendar; a campaign running for years keeps only its days.
  const continuous = daysBetween(first, last, 367);
  const axisDays =
    rows.length === 0 || (continuous.length > 0 && continuous[continuous.length - 1] === last)
      ? continuous
      : Array.from(new Set(rows.map((row) => row.day))).sort();
  const channels = Array.from(new Set(rows.map((row) => row.channel)));
  const count = (value: number) => formatCount(value, language);
  return {
    animationDuration: 200,
    grid: { left: 4, right: 8, top: 36, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    legend: { top: 0, left: 0, textStyle: { color: colors.text }, itemWidth: 12, itemHeight: 12 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: count },
    ...axes(axisDays, language, colors),
    series: channels.map((channel) => {
      const byDay = new Map(rows.filter((row) => row.channel === channel).map((row) => [row.day, row.count]));
      return {
        type: 'bar',
        name: channelName(channel),
        stack: 'contacts',
        data: axisDays.map((day) => byDay.get(day) ?? 0),
        itemStyle: { color: CHANNEL_COLORS[channel] ?? colors.primary },
        barMaxWidth: 28,
      };
    }),
  };
}
