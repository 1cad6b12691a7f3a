import { Checkbox, Flex, InputNumber, Radio, Select, Typography } from 'antd';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { formatCount } from '../../../lib/format';
import { GLOBAL_CONTROL, type DraftFilter } from './draft';
import { Field, GroupField } from './Field';
import { deviceName, genderName, usableUploads, type LabelContext } from './labels';
import type { Device, Gender, StreamGroup } from './types';

const { Text } = Typography;

const GENDERS: Gender[] = ['F', 'M'];
const DEVICES: Device[] = ['android', 'ios', 'none'];
const GROUPS: StreamGroup[] = ['local_control', 'local_target'];

export interface EditorProps<F extends DraftFilter> {
  filter: F;
  onChange: (next: F) => void;
  ctx: LabelContext;
}

function uploadOptions(ctx: LabelContext) {
  return usableUploads(ctx.uploads).map((u) => ({
    value: u.id as string,
    label: `${u.filename} · ${formatCount(u.unique_iins, ctx.language)}`,
  }));
}

function streamOptions(ctx: LabelContext) {
  // Grouped by campaign type (RB1, RB3, …) as the reference data orders them.
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const stream of ctx.options.streams) {
    if (!groups.has(stream.campaign_type)) groups.set(stream.campaign_type, []);
    groups.get(stream.campaign_type)?.push({ value: stream.code, label: `${stream.name_ru} (${stream.code})` });
  }
  return [...groups].map(([type, options]) => ({ label: type, title: type, options }));
}

const selectProps = {
  style: { width: '100%' },
  showSearch: { optionFilterProp: 'label' },
  allowClear: true,
} as const;

function SuppressionEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'suppression' }>>) {
  const { t } = useTranslation();
  const lists = ctx.options.suppression_lists.filter((l) => l.name !== GLOBAL_CONTROL);
  if (!lists.length) return <Text type="secondary">{t('audience.filters.listsEmpty')}</Text>;
  return (
    <GroupField label={t('audience.filters.lists')}>
      <Checkbox.Group
        value={filter.lists}
        onChange={(lists) => onChange({ ...filter, lists: lists as string[] })}
        style={{ width: '100%' }}
      >
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: '6px 16px' }}>
          {lists.map((list) => (
            <Checkbox key={list.name} value={list.name} data-list={list.name}>
              <span>{list.description || list.name}</span>{' '}
              <Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                {list.name} · {formatCount(list.row_count, ctx.language)}
              </Text>
            </Checkbox>
          ))}
        </div>
      </Checkbox.Group>
    </GroupField>
  );
}

function AgeEditor({ filter, onChange }: EditorProps<Extract<DraftFilter, { kind: 'age' }>>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Flex gap={16} wrap>
      <Field htmlFor={`${id}-min`} label={t('audience.filters.ageMin')} width={140}>
        <InputNumber
          id={`${id}-min`}
          min={0}
          max={150}
          precision={0}
          value={filter.min}
          onChange={(min) => onChange({ ...filter, min: min ?? null })}
          style={{ width: '100%' }}
        />
      </Field>
      <Field htmlFor={`${id}-max`} label={t('audience.filters.ageMax')} width={140}>
        <InputNumber
          id={`${id}-max`}
          min={0}
          max={150}
          precision={0}
          value={filter.max}
          onChange={(max) => onChange({ ...filter, max: max ?? null })}
          style={{ width: '100%' }}
        />
      </Field>
    </Flex>
  );
}

function GenderEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'gender' }>>) {
  const { t } = useTranslation();
  return (
    <GroupField label={t('audience.filters.genders')}>
      <Checkbox.Group
        value={filter.values}
        onChange={(values) => onChange({ ...filter, values: values as Gender[] })}
        options={GENDERS.map((g) => ({ value: g, label: genderName(ctx, g) }))}
      />
    </GroupField>
  );
}

function DeviceEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'device' }>>) {
  const { t } = useTranslation();
  return (
    <GroupField label={t('audience.filters.devices')}>
      <Checkbox.Group
        value={filter.values}
        onChange={(values) => onChange({ ...filter, values: values as Device[] })}
        options={DEVICES.map((d) => ({ value: d, label: deviceName(ctx, d) }))}
      />
    </GroupField>
  );
}

function FilialEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'filial' }>>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Field htmlFor={id} label={t('audience.filters.filials')}>
      <Select
        {...selectProps}
        id={id}
        mode="multiple"
        placeholder={t('audience.filters.filialsPlaceholder')}
        value={filter.codes}
        onChange={(codes) => onChange({ ...filter, codes })}
        options={ctx.options.filials.map((f) => ({ value: f.code, label: `${f.name_ru} (${f.code})` }))}
      />
    </Field>
  );
}

function PushOptoutEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'push_optout' }>>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Field htmlFor={id} label={t('audience.filters.eventTypes')}>
      <Select
        {...selectProps}
        id={id}
        mode="multiple"
        placeholder={t('audience.filters.select')}
        value={filter.event_types}
        onChange={(event_types) => onChange({ ...filter, event_types })}
        options={ctx.options.push_event_types.map((p) => ({ value: p.code, label: p.name_ru, title: p.description_ru ?? undefined }))}
      />
    </Field>
  );
}

function ProductEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'product' }>>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Flex gap={16} wrap align="flex-start">
      <div style={{ flex: '1 1 280px' }}>
        <Field htmlFor={id} label={t('audience.filters.products')}>
          <Select
            {...selectProps}
            id={id}
            mode="multiple"
            placeholder={t('audience.filters.select')}
            value={filter.products}
            onChange={(products) => onChange({ ...filter, products })}
            options={ctx.options.products.map((p) => ({ value: p.code, label: p.code }))}
          />
        </Field>
      </div>
      <GroupField label={t('audience.filters.productMode')}>
        <Radio.Group
          value={filter.mode}
          onChange={(e) => onChange({ ...filter, mode: e.target.value as 'has' | 'has_not' })}
          options={[
            { value: 'has', label: t('audience.filters.productHas') },
            { value: 'has_not', label: t('audience.filters.productHasNot') },
          ]}
        />
      </GroupField>
    </Flex>
  );
}

function StreamEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'stream' }>>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Flex gap={16} wrap align="flex-start">
      <div style={{ flex: '1 1 260px' }}>
        <Field htmlFor={id} label={t('audience.filters.stream')}>
          <Select
            {...selectProps}
            id={id}
            placeholder={t('audience.filters.streamPlaceholder')}
            value={filter.stream ?? undefined}
            onChange={(stream?: string) => onChange({ ...filter, stream: stream ?? null })}
            options={streamOptions(ctx)}
          />
        </Field>
      </div>
      <GroupField label={t('audience.filters.groups')}>
        <Checkbox.Group
          value={filter.exclude}
          onChange={(exclude) => onChange({ ...filter, exclude: exclude as StreamGroup[] })}
          options={GROUPS.map((g) => ({ value: g, label: t(`audience.filters.${g}`) }))}
        />
      </GroupField>
    </Flex>
  );
}

function RecentContactEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'recent_contact' }>>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Flex gap={16} wrap align="flex-start">
      <Field htmlFor={`${id}-days`} label={t('audience.filters.days')} width={140}>
        <InputNumber
          id={`${id}-days`}
          min={1}
          max={3660}
          precision={0}
          value={filter.days}
          onChange={(days) => onChange({ ...filter, days: days ?? null })}
          style={{ width: '100%' }}
        />
      </Field>
      <div style={{ flex: '1 1 220px' }}>
        <Field htmlFor={`${id}-streams`} label={t('audience.filters.contactStreams')}>
          <Select
            {...selectProps}
            id={`${id}-streams`}
            mode="multiple"
            placeholder={t('audience.filters.anyValue')}
            value={filter.streams}
            onChange={(streams) => onChange({ ...filter, streams })}
            options={streamOptions(ctx)}
          />
        </Field>
      </div>
      <div style={{ flex: '1 1 180px' }}>
        <Field htmlFor={`${id}-channels`} label={t('audience.filters.contactChannels')}>
          <Select
            {...selectProps}
            id={`${id}-channels`}
            mode="multiple"
            placeholder={t('audience.filters.anyValue')}
            value={filter.channels}
            onChange={(channels) => onChange({ ...filter, channels })}
            options={ctx.options.channels.map((c) => ({ value: c.code, label: c.name_ru }))}
          />
        </Field>
      </div>
    </Flex>
  );
}

function FrequencyCapEditor({ filter, onChange }: EditorProps<Extract<DraftFilter, { kind: 'frequency_cap' }>>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Flex gap={16} wrap>
      <Field
        htmlFor={`${id}-max`}
        label={t('audience.filters.maxContacts')}
        hint={t('audience.filters.maxContactsHint')}
        width={220}
      >
        <InputNumber
          id={`${id}-max`}
          min={1}
          max={100000}
          precision={0}
          value={filter.max_contacts}
          onChange={(max_contacts) => onChange({ ...filter, max_contacts: max_contacts ?? null })}
          style={{ width: 140 }}
        />
      </Field>
      <Field htmlFor={`${id}-days`} label={t('audience.filters.days')} width={140}>
        <InputNumber
          id={`${id}-days`}
          min={1}
          max={3660}
          precision={0}
          value={filter.days}
          onChange={(days) => onChange({ ...filter, days: days ?? null })}
          style={{ width: '100%' }}
        />
      </Field>
    </Flex>
  );
}

function UploadEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'upload' }>>) {
  const { t } = useTranslation();
  const id = useId();
  const options = uploadOptions(ctx);
  return (
    <Flex gap={16} wrap align="flex-start">
      <div style={{ flex: '1 1 260px' }}>
        <Field
          htmlFor={id}
          label={t('audience.filters.upload')}
          hint={options.length ? undefined : t('audience.source.uploadsEmpty')}
        >
          <Select
            {...selectProps}
            id={id}
            placeholder={t('audience.filters.uploadPlaceholder')}
            value={filter.upload_id ?? undefined}
            onChange={(upload_id?: string) => onChange({ ...filter, upload_id: upload_id ?? null })}
            options={options}
          />
        </Field>
      </div>
      <GroupField label={t('audience.filters.uploadMode')}>
        <Radio.Group
          value={filter.mode}
          onChange={(e) => onChange({ ...filter, mode: e.target.value as 'include' | 'exclude' })}
          options={[
            { value: 'exclude', label: t('audience.filters.uploadExclude') },
            { value: 'include', label: t('audience.filters.uploadInclude') },
          ]}
        />
      </GroupField>
    </Flex>
  );
}

/** The editor of one filter, by its kind. */
export function FilterEditor({ filter, onChange, ctx }: EditorProps<DraftFilter>) {
  const { t } = useTranslation();
  const change = onChange as (next: DraftFilter) => void;
  switch (filter.kind) {
    case 'suppression':
      return <SuppressionEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'age':
      return <AgeEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'gender':
      return <GenderEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'device':
      return <DeviceEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'filial':
      return <FilialEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'mau':
    case 'push_enabled':
      return <Text type="secondary">{t(`audience.filters.help.${filter.kind}`)}</Text>;
    case 'push_optout':
      return <PushOptoutEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'product':
      return <ProductEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'stream':
      return <StreamEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'recent_contact':
      return <RecentContactEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'frequency_cap':
      return <FrequencyCapEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'upload':
      return <UploadEditor filter={filter} onChange={change} ctx={ctx} />;
  }
}
