import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, SafetyCertificateFilled, WarningFilled } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Select, Switch, Tag, Tooltip, Typography, theme } from 'antd';
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import { formatCount } from '../../../lib/format';
import { FILTER_KINDS, GLOBAL_CONTROL, hasHelp, type DraftFilter } from './draft';
import { Field } from './Field';
import { FilterEditor } from './FilterEditor';
import type { LabelContext } from './labels';
import type { FilterKind } from './types';

const { Text } = Typography;

/** What the current preview says about one draft filter (only when it is for the current spec). */
export interface FilterStepInfo {
  steps: number[];
  removed: number;
}

function GlobalControl({
  on,
  onToggle,
  ctx,
  info,
}: {
  on: boolean;
  onToggle: (on: boolean) => void;
  ctx: LabelContext;
  info?: FilterStepInfo;
}) {
  const { t } = useTranslation();
  const id = useId();
  const list = ctx.options.suppression_lists.find((l) => l.name === GLOBAL_CONTROL);
  if (!list) return <Alert type="warning" showIcon title={t('audience.global.missing')} />;
  return (
    <Alert
      type={on ? 'success' : 'warning'}
      icon={on ? <SafetyCertificateFilled /> : <WarningFilled />}
      showIcon
      data-testid="global-control"
      data-on={on}
      title={
        <Flex justify="space-between" align="center" gap={12} wrap>
          <Text strong>{on ? t('audience.global.on') : t('audience.global.off')}</Text>
          {on && info ? <RemovedTag removed={info.removed} language={ctx.language} /> : null}
        </Flex>
      }
      description={
        <Flex vertical gap={6}>
          <span>
            {on
              ? t('audience.global.onHint', { n: formatCount(list.row_count, ctx.language) })
              : t('audience.global.offHint')}
          </span>
          <Flex align="center" gap={8}>
            <Switch id={id} checked={on} onChange={onToggle} size="small" />
            <label htmlFor={id}>{t('audience.global.toggle')}</label>
          </Flex>
        </Flex>
      }
    />
  );
}

function RemovedTag({ removed, language }: { removed: number; language: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={removed > 0 ? 'volcano' : 'default'} style={{ marginInlineEnd: 0, fontVariantNumeric: 'tabular-nums' }}>
      {t('audience.filters.removed', { n: formatCount(removed, language) })}
    </Tag>
  );
}

function FilterCard({
  filter,
  index,
  count,
  ctx,
  info,
  issues,
  incomplete,
  autoFocus,
  onChange,
  onMove,
  onRemove,
}: {
  filter: DraftFilter;
  index: number;
  count: number;
  ctx: LabelContext;
  info?: FilterStepInfo;
  issues: string[];
  incomplete: boolean;
  autoFocus: boolean;
  onChange: (next: DraftFilter) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const titleId = useId();
  const body = useRef<HTMLDivElement>(null);
  const name = t(`audience.filters.kind.${filter.kind}`);

  useEffect(() => {
    // A filter just added by the analyst: put the keyboard on its first control.
    if (!autoFocus) return;
    const target = body.current?.querySelector<HTMLElement>('input, button, [tabindex="0"]') ?? null;
    (target ?? body.current)?.focus();
  }, [autoFocus]);

  const steps = info?.steps ?? [];
  return (
    <section
      aria-labelledby={titleId}
      data-testid="filter-card"
      data-kind={filter.kind}
      style={{
        border: `1px solid ${issues.length ? token.colorErrorBorder : token.colorBorderSecondary}`,
        borderRadius: token.borderRadiusLG,
        padding: '10px 14px 12px',
        background: token.colorBgContainer,
      }}
    >
      <Flex align="center" gap={8} wrap style={{ marginBottom: 8 }}>
        <Tag color={incomplete ? 'default' : 'blue'} style={{ marginInlineEnd: 0 }}>
          {steps.length ? steps.map((n) => t('audience.filters.step', { n })).join(', ') : `#${index + 1}`}
        </Tag>
        <Text strong id={titleId}>
          {name}
        </Text>
        {info && !incomplete ? <RemovedTag removed={info.removed} language={ctx.language} /> : null}
        {incomplete ? (
          <Text type="secondary" style={{ fontSize: 12 }}>
            {t('audience.filters.incomplete')}
          </Text>
        ) : null}
        <div style={{ flex: 1 }} />
        <Tooltip title={t('audience.filters.moveUp', { name })}>
          <Button
            size="small"
            type="text"
            icon={<ArrowUpOutlined />}
            aria-label={t('audience.filters.moveUp', { name })}
            disabled={index === 0}
            onClick={() => onMove(-1)}
          />
        </Tooltip>
        <Tooltip title={t('audience.filters.moveDown', { name })}>
          <Button
            size="small"
            type="text"
            icon={<ArrowDownOutlined />}
            aria-label={t('audience.filters.moveDown', { name })}
            disabled={index === count - 1}
            onClick={() => onMove(1)}
          />
        </Tooltip>
        <Tooltip title={t('audience.filters.remove', { name })}>
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('audience.filters.remove', { name })}
            onClick={onRemove}
          />
        </Tooltip>
      </Flex>
      <div ref={body} tabIndex={-1} style={{ outline: 'none' }}>
        <FilterEditor filter={filter} onChange={onChange} ctx={ctx} />
        {hasHelp(filter.kind) ? (
          <Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 6 }}>
            {t(`audience.filters.help.${filter.kind}`)}
          </Text>
        ) : null}
      </div>
      {issues.length ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginTop: 8 }}
          data-testid="filter-error"
          title={issues.join('; ')}
        />
      ) : null}
    </section>
  );
}

export interface FilterListProps {
  filters: DraftFilter[];
  globalControl: boolean;
  ctx: LabelContext;
  /** By draft filter id (and GLOBAL_CONTROL): what the current preview says. */
  stepInfo: Map<string, FilterStepInfo>;
  /** By draft filter id: the server's complaints about it. */
  issues: Map<string, string[]>;
  incomplete: Set<string>;
  focusId: string | null;
  onGlobalControl: (on: boolean) => void;
  onAdd: (kind: FilterKind) => void;
  onChange: (next: DraftFilter) => void;
  onMove: (index: number, delta: number) => void;
  onRemove: (id: string) => void;
}

export function FilterList(props: FilterListProps) {
  const { t } = useTranslation();
  const addId = useId();
  const { filters, ctx } = props;
  return (
    <Card title={t('audience.filters.title')} size="small" data-testid="filters">
      <Flex vertical gap={10}>
        <Text type="secondary">{t('audience.filters.hint')}</Text>
        <GlobalControl
          on={props.globalControl}
          onToggle={props.onGlobalControl}
          ctx={ctx}
          info={props.stepInfo.get(GLOBAL_CONTROL)}
        />
        {filters.length === 0 ? <Text type="secondary">{t('audience.filters.empty')}</Text> : null}
        {filters.map((filter, index) => (
          <FilterCard
            key={filter.id}
            filter={filter}
            index={index}
            count={filters.length}
            ctx={ctx}
            info={props.stepInfo.get(filter.id)}
            issues={props.issues.get(filter.id) ?? []}
            incomplete={props.incomplete.has(filter.id)}
            autoFocus={props.focusId === filter.id}
            onChange={props.onChange}
            onMove={(delta) => props.onMove(index, delta)}
            onRemove={() => props.onRemove(filter.id)}
          />
        ))}
        <Field htmlFor={addId} label={t('audience.filters.add')} width={360}>
          <Select<FilterKind>
            id={addId}
            data-testid="add-filter"
            value={null}
            placeholder={t('audience.filters.addPlaceholder')}
            onSelect={(kind) => props.onAdd(kind)}
            options={FILTER_KINDS.map((kind) => ({ value: kind, label: t(`audience.filters.kind.${kind}`) }))}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: '100%' }}
          />
        </Field>
      </Flex>
    </Card>
  );
}
