import { DeleteOutlined } from '@ant-design/icons';
import { Button, Checkbox, DatePicker, Flex, InputNumber, Radio, Select, Tag, Typography, theme } from 'antd';
import dayjs from 'dayjs';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { dateFormat, formatCount, formatPercent } from '../../../lib/format';
import {
  ANY_OF_KINDS,
  ANY_OF_MAX,
  COLUMN_OPS,
  GLOBAL_CONTROL,
  newGroupFilter,
  type DraftColumnFilter,
  type DraftFilter,
} from './draft';
import { Field, GroupField } from './Field';
import { columnName, columnValueText, deviceName, genderName, productName, usableUploads, type LabelContext } from './labels';
import type { ColumnOp, ColumnOption, Device, FilterKind, Gender, StreamGroup } from './types';

const { Text } = Typography;

const GENDERS: Gender[] = ['F', 'M'];
const DEVICES: Device[] = ['android', 'ios', 'none'];
const GROUPS: StreamGroup[] = ['local_control', 'local_target'];

export interface EditorProps<F extends DraftFilter> {
  filter: F;
  onChange: (next: F) => void;
  ctx: LabelContext;
  /** Inside an "Any of" group: only the modes that keep people (no exclusions). */
  inGroup?: boolean;
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
        // Disabled filials are offered no more, but one the spec already names stays shown.
        options={ctx.options.filials
          .filter((f) => f.enabled || filter.codes.includes(f.code))
          .map((f) => ({ value: f.code, label: `${f.name_ru} (${f.code})` }))}
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
        options={ctx.options.push_event_types
          .filter((p) => p.enabled || filter.event_types.includes(p.code))
          .map((p) => ({ value: p.code, label: p.name_ru, title: p.description_ru ?? undefined }))}
      />
    </Field>
  );
}

function ProductEditor({ filter, onChange, ctx, inGroup }: EditorProps<Extract<DraftFilter, { kind: 'product' }>>) {
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
            options={ctx.options.products.map((p) => ({ value: p.code, label: productName(ctx, p.code), title: p.code }))}
          />
        </Field>
      </div>
      {inGroup ? null : <GroupField label={t('audience.filters.productMode')}>
        <Radio.Group
          value={filter.mode}
          onChange={(e) => onChange({ ...filter, mode: e.target.value as 'has' | 'has_not' })}
          options={[
            { value: 'has', label: t('audience.filters.productHas') },
            { value: 'has_not', label: t('audience.filters.productHasNot') },
          ]}
        />
      </GroupField>}
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

function UploadEditor({ filter, onChange, ctx, inGroup }: EditorProps<Extract<DraftFilter, { kind: 'upload' }>>) {
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
      {inGroup ? null : <GroupField label={t('audience.filters.uploadMode')}>
        <Radio.Group
          value={filter.mode}
          onChange={(e) => onChange({ ...filter, mode: e.target.value as 'include' | 'exclude' })}
          options={[
            { value: 'exclude', label: t('audience.filters.uploadExclude') },
            { value: 'include', label: t('audience.filters.uploadInclude') },
          ]}
        />
      </GroupField>}
    </Flex>
  );
}

const SINGLE_OPS: ColumnOp[] = ['=', '!=', '<', '<=', '>', '>='];

function columnOptionOf(ctx: LabelContext, name: string | null): ColumnOption | undefined {
  return name ? ctx.options.columns?.find((c) => c.name === name) : undefined;
}

/** The value inputs of a column filter: by the operator and the column's type. */
function ColumnValueInputs({
  filter,
  column,
  onChange,
  ctx,
  id,
}: {
  filter: DraftColumnFilter;
  column: ColumnOption;
  onChange: (next: DraftColumnFilter) => void;
  ctx: LabelContext;
  id: string;
}) {
  const { t } = useTranslation();
  const { op } = filter;
  if (op === 'is_null' || op === 'not_null') return null;
  const kind = column.type;
  const label = t('audience.column.value');
  if (kind === 'boolean')
    return (
      <GroupField label={label}>
        <Radio.Group
          value={filter.value}
          onChange={(e) => onChange({ ...filter, value: e.target.value as boolean })}
          options={[
            { value: true, label: t('audience.column.true') },
            { value: false, label: t('audience.column.false') },
          ]}
        />
      </GroupField>
    );
  if (kind === 'date') {
    const picker = (value: number | string | boolean | null, change: (iso: string | null) => void, key: string, text: string) => (
      <Field htmlFor={`${id}-${key}`} label={text} width={170}>
        <DatePicker
          id={`${id}-${key}`}
          format={dateFormat(ctx.language)}
          value={typeof value === 'string' ? dayjs(value) : null}
          minDate={typeof column.min === 'string' ? dayjs(column.min) : undefined}
          maxDate={typeof column.max === 'string' ? dayjs(column.max) : undefined}
          onChange={(date) => change(date ? date.format('YYYY-MM-DD') : null)}
          style={{ width: '100%' }}
        />
      </Field>
    );
    if (op === 'between')
      return (
        <Flex gap={12} wrap>
          {picker(filter.low, (low) => onChange({ ...filter, low }), 'low', t('audience.column.from'))}
          {picker(filter.high, (high) => onChange({ ...filter, high }), 'high', t('audience.column.to'))}
        </Flex>
      );
    return picker(filter.value, (value) => onChange({ ...filter, value }), 'value', label);
  }
  if (kind === 'number') {
    const number = (value: number | string | boolean | null, change: (n: number | null) => void, key: string, text: string) => (
      <Field htmlFor={`${id}-${key}`} label={text} width={170}>
        <InputNumber<number>
          id={`${id}-${key}`}
          value={typeof value === 'number' ? value : null}
          placeholder={key === 'high' && typeof column.max === 'number' ? String(column.max) : typeof column.min === 'number' ? String(column.min) : undefined}
          onChange={(n) => change(typeof n === 'number' ? n : null)}
          style={{ width: '100%' }}
        />
      </Field>
    );
    if (op === 'between')
      return (
        <Flex gap={12} wrap>
          {number(filter.low, (low) => onChange({ ...filter, low }), 'low', t('audience.column.from'))}
          {number(filter.high, (high) => onChange({ ...filter, high }), 'high', t('audience.column.to'))}
        </Flex>
      );
    if (op === 'in' || op === 'not_in')
      return (
        <Field htmlFor={`${id}-values`} label={t('audience.column.values')}>
          <Select
            {...selectProps}
            id={`${id}-values`}
            mode="tags"
            placeholder={t('audience.column.numbersPlaceholder')}
            value={filter.values.map(String)}
            onChange={(values: string[]) =>
              onChange({ ...filter, values: values.map(Number).filter((n) => Number.isFinite(n)) })
            }
            tokenSeparators={[' ', ';']}
          />
        </Field>
      );
    return number(filter.value, (value) => onChange({ ...filter, value }), 'value', label);
  }
  // text: the few distinct values when the options list them, else free input
  const categories = (column.categories ?? []).map((c) => ({ value: c, label: c }));
  if (op === 'in' || op === 'not_in')
    return (
      <Field htmlFor={`${id}-values`} label={t('audience.column.values')}>
        <Select
          {...selectProps}
          id={`${id}-values`}
          mode={column.categories ? 'multiple' : 'tags'}
          placeholder={t('audience.filters.select')}
          value={filter.values as string[]}
          onChange={(values: string[]) => onChange({ ...filter, values })}
          options={categories}
        />
      </Field>
    );
  return (
    <Field htmlFor={`${id}-value`} label={label} width={260}>
      <Select
        {...selectProps}
        id={`${id}-value`}
        mode={column.categories ? undefined : 'tags'}
        maxCount={column.categories ? undefined : 1}
        placeholder={t('audience.filters.select')}
        value={filter.value === null ? undefined : column.categories ? String(filter.value) : [String(filter.value)]}
        onChange={(value?: string | string[]) => {
          const next = Array.isArray(value) ? value[value.length - 1] : value;
          onChange({ ...filter, value: next ?? null });
        }}
        options={categories}
      />
    </Field>
  );
}

function ColumnEditor({ filter, onChange, ctx }: EditorProps<DraftColumnFilter>) {
  const { t } = useTranslation();
  const id = useId();
  const columns = ctx.options.columns ?? [];
  const column = columnOptionOf(ctx, filter.column);
  const ops = column ? COLUMN_OPS[column.type] : [];
  const pickColumn = (name?: string) => {
    const next = columnOptionOf(ctx, name ?? null);
    const allowed = next ? COLUMN_OPS[next.type] : [];
    const op = allowed.includes(filter.op) ? filter.op : '=';
    // A new column: values of the old one would not fit its type.
    onChange({ ...filter, column: name ?? null, op, value: null, low: null, high: null, values: [] });
  };
  const pickOp = (op: ColumnOp) => {
    const keepValue = SINGLE_OPS.includes(op) && SINGLE_OPS.includes(filter.op);
    onChange({ ...filter, op, value: keepValue ? filter.value : null, low: null, high: null, values: op === 'in' || op === 'not_in' ? filter.values : [] });
  };
  return (
    <Flex vertical gap={8}>
      <Flex gap={16} wrap align="flex-start">
        <div style={{ flex: '1 1 280px' }}>
          <Field htmlFor={`${id}-column`} label={t('audience.column.column')}>
            <Select
              {...selectProps}
              id={`${id}-column`}
              data-testid="column-picker"
              placeholder={t('audience.column.columnPlaceholder')}
              value={filter.column ?? undefined}
              onChange={pickColumn}
              options={columns.map((c) => ({
                value: c.name,
                label: `${columnName(ctx, c.name)} (${c.name})`,
              }))}
              optionRender={(option) => {
                const c = columnOptionOf(ctx, String(option.value));
                return (
                  <Flex justify="space-between" gap={8}>
                    <span>{option.label}</span>
                    {c ? <Tag style={{ marginInlineEnd: 0 }}>{t(`audience.column.type.${c.type}`)}</Tag> : null}
                  </Flex>
                );
              }}
            />
          </Field>
        </div>
        <Field htmlFor={`${id}-op`} label={t('audience.column.op')} width={200}>
          <Select<ColumnOp>
            id={`${id}-op`}
            data-testid="column-op"
            disabled={!column}
            value={filter.op}
            onChange={pickOp}
            options={ops.map((op) => ({ value: op, label: t(`audience.column.ops.${opKey(op)}`) }))}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: '100%' }}
          />
        </Field>
        {column ? <ColumnValueInputs filter={filter} column={column} onChange={onChange} ctx={ctx} id={id} /> : null}
      </Flex>
      {column ? (
        <Text type="secondary" style={{ fontSize: 12 }} data-testid="column-facts">
          {[
            t(`audience.column.type.${column.type}`),
            column.min != null && column.max != null
              ? t('audience.column.range', {
                  min: columnValueText(ctx, column.name, column.min),
                  max: columnValueText(ctx, column.name, column.max),
                })
              : null,
            t('audience.column.nullShare', { share: formatPercent(column.null_share, ctx.language, 1) }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
      ) : null}
    </Flex>
  );
}

/** The key of an operator in the i18n catalog (symbols are not valid keys). */
function opKey(op: ColumnOp): string {
  const keys: Record<ColumnOp, string> = {
    '=': 'eq',
    '!=': 'ne',
    '<': 'lt',
    '<=': 'le',
    '>': 'gt',
    '>=': 'ge',
    between: 'between',
    in: 'in',
    not_in: 'not_in',
    is_null: 'is_null',
    not_null: 'not_null',
  };
  return keys[op];
}

function AnyOfEditor({ filter, onChange, ctx }: EditorProps<Extract<DraftFilter, { kind: 'any_of' }>>) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const addId = useId();
  const inner = filter.filters;
  const replace = (index: number, next: DraftFilter | null) => {
    const filters = [...inner];
    if (next) filters.splice(index, 1, next);
    else filters.splice(index, 1);
    onChange({ ...filter, filters });
  };
  return (
    <Flex vertical gap={8} data-testid="any-of">
      {inner.length < 2 ? <Text type="secondary">{t('audience.anyOf.needTwo')}</Text> : null}
      {inner.map((item, index) => {
        const name = t(`audience.filters.kind.${item.kind}`);
        return (
          <div key={item.id}>
            {index > 0 ? (
              <Tag color="purple" style={{ margin: '0 0 6px' }}>
                {t('audience.anyOf.or')}
              </Tag>
            ) : null}
            <section
              aria-label={name}
              data-testid="any-of-item"
              data-kind={item.kind}
              style={{
                borderInlineStart: `3px solid ${token.colorPrimaryBorder}`,
                padding: '4px 0 4px 12px',
              }}
            >
              <Flex align="center" gap={8} style={{ marginBottom: 6 }}>
                <Text strong>{name}</Text>
                <div style={{ flex: 1 }} />
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('audience.filters.remove', { name })}
                  onClick={() => replace(index, null)}
                />
              </Flex>
              <FilterEditor filter={item} onChange={(next) => replace(index, next)} ctx={ctx} inGroup />
            </section>
          </div>
        );
      })}
      {inner.length < ANY_OF_MAX ? (
        <Field htmlFor={addId} label={t('audience.anyOf.add')} width={320}>
          <Select<FilterKind>
            id={addId}
            data-testid="any-of-add"
            value={null}
            placeholder={t('audience.filters.addPlaceholder')}
            onSelect={(kind) => onChange({ ...filter, filters: [...inner, newGroupFilter(kind)] })}
            options={ANY_OF_KINDS.map((kind) => ({ value: kind, label: t(`audience.filters.kind.${kind}`) }))}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: '100%' }}
          />
        </Field>
      ) : null}
    </Flex>
  );
}

/** The editor of one filter, by its kind. */
export function FilterEditor({ filter, onChange, ctx, inGroup }: EditorProps<DraftFilter>) {
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
      return <ProductEditor filter={filter} onChange={change} ctx={ctx} inGroup={inGroup} />;
    case 'stream':
      return <StreamEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'recent_contact':
      return <RecentContactEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'frequency_cap':
      return <FrequencyCapEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'upload':
      return <UploadEditor filter={filter} onChange={change} ctx={ctx} inGroup={inGroup} />;
    case 'column':
      return <ColumnEditor filter={filter} onChange={change} ctx={ctx} />;
    case 'any_of':
      return <AnyOfEditor filter={filter} onChange={change} ctx={ctx} />;
  }
}
