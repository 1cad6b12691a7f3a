/**
 * Names of funnel steps and values in the interface language, from the spec and the reference
 * data (richer than the server's step codes, whose params hold codes: those are the fallback).
 */
import type { TFunction } from 'i18next';

import { renderCode, type CodeParams } from '../../../i18n/codes/render';

import { formatCount, formatDate, formatNumber, formatPercent } from '../../../lib/format';
import { GLOBAL_CONTROL } from './draft';
import type { AudienceOptions, AudienceSpec, AudienceSummary, SpecFilter, UploadSummary } from './types';

export interface LabelContext {
  t: TFunction;
  language: string;
  options: AudienceOptions;
  uploads: UploadSummary[];
  audiences: AudienceSummary[];
}

const MAX_LISTED = 3;

function listed(ctx: LabelContext, names: string[]): string {
  if (names.length <= MAX_LISTED) return names.join(', ');
  return ctx.t('audience.step.andMore', {
    list: names.slice(0, MAX_LISTED).join(', '),
    n: names.length - MAX_LISTED,
  });
}

export function listName(ctx: LabelContext, name: string): string {
  if (name === GLOBAL_CONTROL) return ctx.t('audience.step.globalControl');
  const list = ctx.options.suppression_lists.find((l) => l.name === name);
  return list?.description || name;
}

/** Reference names in the interface language: Kazakh where the reference has it, else Russian. */
function named(ctx: LabelContext, item: { name_ru: string; name_kz?: string | null } | undefined): string | null {
  if (!item) return null;
  return ctx.language === 'kk' && item.name_kz ? item.name_kz : item.name_ru;
}

export function filialName(ctx: LabelContext, code: string): string {
  return named(ctx, ctx.options.filials.find((f) => f.code === code)) ?? code;
}

export function streamName(ctx: LabelContext, code: string): string {
  return named(ctx, ctx.options.streams.find((s) => s.code === code)) ?? code;
}

export function productName(ctx: LabelContext, code: string): string {
  return ctx.t(`audience.products.${code}`, { defaultValue: code });
}

export function uploadName(ctx: LabelContext, id: string): string {
  const upload = ctx.uploads.find((u) => u.id === id);
  if (upload) return upload.filename;
  return ctx.options.uploads.find((u) => u.upload_id === id)?.description ?? id;
}

export function audienceName(ctx: LabelContext, id: string): string {
  return (
    ctx.audiences.find((a) => a.id === id)?.name ?? ctx.options.audiences.find((a) => a.id === id)?.name ?? id
  );
}

export function genderName(ctx: LabelContext, value: string): string {
  return ctx.t(`audience.values.gender.${value}`, { defaultValue: value });
}

export function deviceName(ctx: LabelContext, value: string): string {
  return ctx.t(`audience.values.device.${value}`, { defaultValue: value });
}

function number(ctx: LabelContext, value: number): string {
  return formatNumber(value, ctx.language, 4);
}

export function filterLabel(ctx: LabelContext, filter: SpecFilter): string {
  const { t } = ctx;
  switch (filter.kind) {
    case 'suppression':
      return filter.list === GLOBAL_CONTROL
        ? t('audience.step.globalControl')
        : t('audience.step.suppression', { name: listName(ctx, filter.list) });
    case 'age':
      if (filter.min != null && filter.max != null)
        return t('audience.step.ageRange', { min: filter.min, max: filter.max });
      return filter.min != null
        ? t('audience.step.ageFrom', { min: filter.min })
        : t('audience.step.ageTo', { max: filter.max });
    case 'gender':
      return t('audience.step.gender', { list: filter.values.map((v) => genderName(ctx, v)).join(', ') });
    case 'device':
      return t('audience.step.device', { list: filter.values.map((v) => deviceName(ctx, v)).join(', ') });
    case 'filial':
      return t('audience.step.filial', { list: listed(ctx, filter.codes.map((c) => filialName(ctx, c))) });
    case 'mau':
      return t('audience.step.mau');
    case 'push_enabled':
      return t('audience.step.push_enabled');
    case 'push_optout': {
      const names = filter.event_types.map(
        (code) => ctx.options.push_event_types.find((p) => p.code === code)?.name_ru ?? code,
      );
      return t('audience.step.push_optout', { list: listed(ctx, names) });
    }
    case 'product':
      return t(filter.mode === 'has_not' ? 'audience.step.productHasNot' : 'audience.step.productHas', {
        list: listed(
          ctx,
          filter.products.map((code) => productName(ctx, code)),
        ),
      });
    case 'stream': {
      const groups = (filter.exclude ?? ['local_control', 'local_target'])
        .map((g) => t(`audience.filters.${g}`))
        .join(', ');
      return t('audience.step.stream', { name: streamName(ctx, filter.stream), groups });
    }
    case 'recent_contact': {
      const parts = [t('audience.step.recentContact', { days: filter.days })];
      if (filter.streams?.length)
        parts.push(t('audience.step.recentStreams', { list: listed(ctx, filter.streams.map((s) => streamName(ctx, s))) }));
      if (filter.channels?.length) {
        const names = filter.channels.map((c) => ctx.options.channels.find((ch) => ch.code === c)?.name_ru ?? c);
        parts.push(t('audience.step.recentChannels', { list: listed(ctx, names) }));
      }
      return parts.join(' · ');
    }
    case 'frequency_cap':
      return t('audience.step.frequencyCap', { max: filter.max_contacts, days: filter.days });
    case 'upload':
      return t(filter.mode === 'include' ? 'audience.step.uploadInclude' : 'audience.step.uploadExclude', {
        name: uploadName(ctx, filter.upload_id),
      });
    case 'column':
      return columnFilterLabel(ctx, filter);
    case 'any_of':
      return t('audience.step.anyOf', {
        list: filter.filters.map((inner) => filterLabel(ctx, inner)).join(` ${t('audience.step.or')} `),
      });
  }
}

/** A feature-store column for people: its translated name when the app knows it, else the catalog's label. */
export function columnName(ctx: LabelContext, name: string): string {
  const option = ctx.options.columns?.find((c) => c.name === name);
  return ctx.t(`audience.columns.${name}`, { defaultValue: option?.label || name });
}

/** One value of a column filter as people read it (yes/no, dates in the interface format). */
export function columnValueText(ctx: LabelContext, column: string, value: unknown): string {
  const kind = ctx.options.columns?.find((c) => c.name === column)?.type;
  if (typeof value === 'boolean') return ctx.t(value ? 'audience.column.true' : 'audience.column.false');
  if (typeof value === 'number') return formatNumber(value, ctx.language, 4);
  if (kind === 'date' && typeof value === 'string') return formatDate(value, ctx.language);
  return String(value);
}

function columnFilterLabel(ctx: LabelContext, filter: Extract<SpecFilter, { kind: 'column' }>): string {
  const { t } = ctx;
  const name = columnName(ctx, filter.column);
  const values = Array.isArray(filter.value) ? filter.value : filter.value == null ? [] : [filter.value];
  const texts = values.map((v) => columnValueText(ctx, filter.column, v));
  switch (filter.op) {
    case 'is_null':
      return t('audience.column.label.isNull', { name });
    case 'not_null':
      return t('audience.column.label.notNull', { name });
    case 'between':
      return t('audience.column.label.between', { name, low: texts[0], high: texts[1] });
    case 'in':
      return t('audience.column.label.in', { name, list: listed(ctx, texts) });
    case 'not_in':
      return t('audience.column.label.notIn', { name, list: listed(ctx, texts) });
    default:
      return t('audience.column.label.compare', { name, op: filter.op === '!=' ? '≠' : filter.op.replace('<=', '≤').replace('>=', '≥'), value: texts[0] });
  }
}

export function sourceLabel(ctx: LabelContext, spec: AudienceSpec): string {
  const source = spec.source ?? { kind: 'feature_store' };
  switch (source.kind) {
    case 'feature_store':
      return ctx.t('audience.step.source.feature_store');
    case 'products':
      return ctx.t(source.mode === 'all' ? 'audience.step.source.productsAll' : 'audience.step.source.productsAny', {
        list: listed(
          ctx,
          source.products.map((code) => productName(ctx, code)),
        ),
      });
    case 'upload':
      return ctx.t('audience.step.source.upload', { name: uploadName(ctx, source.upload_id) });
    case 'audience':
      return ctx.t('audience.step.source.audience', { name: audienceName(ctx, source.audience_id) });
  }
}

/** The label of a funnel (or explain) step of `spec`; the server's code when the step is unknown here. */
export function stepLabel(
  ctx: LabelContext,
  spec: AudienceSpec,
  step: { kind: string; code: string; params?: CodeParams | null; filter_index?: number | null },
): string {
  if (step.kind === 'source') return sourceLabel(ctx, spec);
  if (step.kind === 'not_in_feature_store') return ctx.t('audience.step.not_in_feature_store');
  if (step.filter_index != null) {
    const filter = spec.filters?.[step.filter_index];
    if (filter && filter.kind === step.kind) return filterLabel(ctx, filter);
  }
  if (step.kind === 'rank' && spec.rank) {
    const parts = [spec.rank.sum_of.join(' + ')];
    if (spec.rank.min != null) parts.push(ctx.t('audience.step.rankMin', { min: number(ctx, spec.rank.min) }));
    if (spec.rank.top_n != null)
      parts.push(ctx.t('audience.step.rankTop', { top: formatCount(spec.rank.top_n, ctx.language) }));
    return ctx.t('audience.step.rank', { columns: parts.join(', ') });
  }
  if (step.kind === 'limit' && spec.limit != null)
    return ctx.t('audience.step.limit', { n: formatCount(spec.limit, ctx.language) });
  return renderCode(ctx.t, ctx.language, step.code, step.params);
}

/** Uploads that can be used: accepted, with a dataset. */
export function usableUploads(uploads: UploadSummary[]): UploadSummary[] {
  return uploads.filter((u) => u.status === 'ready' && u.id);
}

/** `part` as a percent of `whole` with one decimal (two for a sliver, so that it does not read 0,0 %). */
export function formatPartOf(part: number, whole: number, language: string): string {
  const share = whole > 0 ? part / whole : 0;
  return formatPercent(share, language, share > 0 && share < 0.001 ? 2 : 1);
}
