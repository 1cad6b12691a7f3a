import { DeleteOutlined, PlayCircleOutlined, PlusOutlined, SaveOutlined, TeamOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Flex,
  Input,
  InputNumber,
  Modal,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Tree,
  Typography,
} from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { EChart } from '../../components/EChart';
import { AssistantBox } from './AssistantBox';
import { ExportButton } from './ExportButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import {
  type Aggregation,
  type ColumnRef,
  type Condition,
  type GroupBy,
  type Join,
  type Kind,
  type Op,
  type QueryResult,
  type QuerySpec,
  type SavedQuery,
  type SourceInfo,
  OPS_BY_KIND,
  compileQuery,
  needsNoValue,
  parseValue,
  resultToUpload,
  runQuery,
  useQuerySchema,
  useSavedQueries,
  useSaveQuery,
} from './api';

const { Title, Text, Paragraph } = Typography;
const FNS: Aggregation['fn'][] = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'];
const BUCKETS = ['day', 'week', 'month'] as const;

interface FilterRow {
  ref?: ColumnRef;
  op: Op;
  text: string;
}

interface Draft {
  source?: string;
  joins: Join[];
  combine: 'and' | 'or';
  filters: FilterRow[];
  aggregations: Aggregation[];
  groupBy: GroupBy[];
  columns: string[]; // refKeys of the output columns of an unsummarised query (none: all)
  orderBy?: string;
  desc: boolean;
  limit?: number;
}

const EMPTY: Draft = { joins: [], combine: 'and', filters: [], aggregations: [], groupBy: [], columns: [], desc: false, limit: 1000 };

function refKey(ref: ColumnRef | undefined): string | undefined {
  return ref ? `${ref.table ?? ''}.${ref.column}` : undefined;
}

function refOf(key: string): ColumnRef {
  const [table = '', column = ''] = key.split('.');
  return table ? { table, column } : { column };
}

function outputName(ref: ColumnRef): string {
  return ref.table ? `${ref.table}__${ref.column}` : ref.column;
}

function aggregationName(a: Aggregation): string {
  if (a.label) return a.label;
  if (!a.column) return a.fn;
  return `${a.fn}_${outputName(a.column)}`;
}

function toSpec(draft: Draft, byName: Map<string, SourceInfo>): QuerySpec | null {
  if (!draft.source) return null;
  const kindOf = (ref: ColumnRef): Kind => {
    const table = byName.get(ref.table ?? draft.source ?? '');
    return table?.columns.find((c) => c.name === ref.column)?.kind ?? 'text';
  };
  const conditions: Condition[] = draft.filters
    .filter((f): f is FilterRow & { ref: ColumnRef } => Boolean(f.ref))
    .map((f) => ({ kind: 'condition', column: f.ref, op: f.op, value: parseValue(kindOf(f.ref), f.op, f.text) }));
  const summarised = draft.aggregations.length > 0 || draft.groupBy.length > 0;
  return {
    version: 1,
    source: draft.source,
    joins: draft.joins,
    columns: summarised ? [] : draft.columns.map(refOf),
    filters: conditions.length ? { kind: 'group', combine: draft.combine, filters: conditions } : null,
    aggregations: draft.aggregations,
    group_by: draft.groupBy,
    order_by: draft.orderBy ? [{ field: draft.orderBy, desc: draft.desc }] : [],
    limit: draft.limit ?? null,
  };
}

function fromSpec(spec: Record<string, unknown>): Draft {
  const s = spec as unknown as QuerySpec;
  const filters = (s.filters?.filters ?? []).filter((f): f is Condition => f.kind === 'condition');
  return {
    source: s.source,
    joins: s.joins ?? [],
    combine: s.filters?.combine ?? 'and',
    filters: filters.map((f) => ({
      ref: f.column,
      op: f.op,
      text: f.value === null || f.value === undefined ? '' : Array.isArray(f.value) ? f.value.join(', ') : String(f.value),
    })),
    aggregations: s.aggregations ?? [],
    groupBy: s.group_by ?? [],
    columns: (s.columns ?? []).map((ref) => refKey(ref) ?? ''),
    orderBy: s.order_by?.[0]?.field,
    desc: s.order_by?.[0]?.desc ?? false,
    limit: s.limit ?? undefined,
  };
}

function SchemaTree({ sources, onPick }: { sources: SourceInfo[]; onPick: (name: string) => void }) {
  const { t } = useTranslation();
  const byCategory = new Map<string, SourceInfo[]>();
  for (const source of sources) byCategory.set(source.category, [...(byCategory.get(source.category) ?? []), source]);
  const data: DataNode[] = [...byCategory.entries()].map(([category, items]) => ({
    key: `c:${category}`,
    title: <Text strong>{t(`query.category.${category}`, { defaultValue: category })}</Text>,
    selectable: false,
    children: items.map((source) => ({
      key: `t:${source.name}`,
      title: <span style={{ fontFamily: 'monospace' }}>{source.name}</span>,
      children: source.columns.map((column) => ({
        key: `k:${source.name}.${column.name}`,
        selectable: false,
        isLeaf: true,
        title: (
          <span>
            <span style={{ fontFamily: 'monospace' }}>{column.name}</span>{' '}
            <Text type="secondary" style={{ fontSize: 12 }}>
              {t(`query.kind.${column.kind}`)}
            </Text>
          </span>
        ),
      })),
    })),
  }));
  return (
    <Tree
      key={sources.length} // expanded once the schema has come
      treeData={data}
      defaultExpandedKeys={['c:feature_store', 't:feature_store']}
      onSelect={(keys) => {
        const key = String(keys[0] ?? '');
        if (key.startsWith('t:')) onPick(key.slice(2));
      }}
      height={620}
      data-testid="schema-tree"
    />
  );
}

function ResultChart({ result }: { result: QueryResult }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'bar' | 'line' | 'pie'>('bar');
  const dims = result.columns.filter((c) => c.kind !== 'number');
  const measures = result.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === 'number');
  const firstDim = dims[0];
  const dimIndex = firstDim ? result.columns.indexOf(firstDim) : -1;
  const option = useMemo(() => {
    const labels = result.rows.map((r) => (dimIndex >= 0 ? String(r[dimIndex] ?? '∅') : ''));
    if (kind === 'pie') {
      const m = measures[0];
      return {
        tooltip: { trigger: 'item' },
        legend: { type: 'scroll', bottom: 0 },
        series: [{ type: 'pie', radius: '65%', data: result.rows.map((r, i) => ({ name: labels[i], value: m ? r[m.i] : 0 })) }],
      };
    }
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value' },
      series: measures.map(({ c, i }) => ({ type: kind, name: c.name, data: result.rows.map((r) => r[i]) })),
    };
  }, [kind, result, dimIndex, measures]);
  if (!measures.length || dimIndex < 0) return null;
  return (
    <Card
      size="small"
      title={t('query.chart')}
      extra={
        <Segmented
          value={kind}
          onChange={(v) => setKind(v as 'bar' | 'line' | 'pie')}
          options={[
            { value: 'bar', label: t('query.chartBar') },
            { value: 'line', label: t('query.chartLine') },
            { value: 'pie', label: t('query.chartPie') },
          ]}
        />
      }
      data-testid="result-chart"
    >
      <EChart option={option} height={320} label={t('query.chart')} />
    </Card>
  );
}

function StepCard({ step, title, children }: { step: number; title: string; children: React.ReactNode }) {
  return (
    <Card size="small" title={<Space><Tag color="blue">{step}</Tag>{title}</Space>} data-testid={`step-${step}`}>
      {children}
    </Card>
  );
}

export function QueryBuilderPage() {
  const { t } = useTranslation();
  const schema = useQuerySchema();
  const saved = useSavedQueries();
  const save = useSaveQuery();
  const sources = useMemo(() => schema.data ?? [], [schema.data]);
  const byName = useMemo(() => new Map(sources.map((s) => [s.name, s])), [sources]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [savedId, setSavedId] = useState<string | undefined>();
  const [saveOpen, setSaveOpen] = useState(false);
  const [saveName, setSaveName] = useState('');
  const [saveShared, setSaveShared] = useState(false);
  const spec = toSpec(draft, byName);
  const run = useMutation({ mutationFn: runQuery });
  const sql = useMutation({ mutationFn: compileQuery });
  const toUpload = useMutation({ mutationFn: (input: { spec: QuerySpec; name: string }) => resultToUpload(input.spec, input.name) });
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const tables = [draft.source, ...draft.joins.map((j) => j.table)].filter((n): n is string => Boolean(n));
  const columnOptions = tables.map((table, index) => ({
    label: table,
    options: (byName.get(table)?.columns ?? []).map((c) => ({
      value: refKey(index === 0 ? { column: c.name } : { table, column: c.name }) ?? '',
      label: `${index === 0 ? '' : `${table}.`}${c.name}`,
      kind: c.kind,
    })),
  }));
  const kindOf = (ref: ColumnRef | undefined): Kind =>
    (ref && byName.get(ref.table ?? draft.source ?? '')?.columns.find((c) => c.name === ref.column)?.kind) || 'text';
  const summarised = draft.aggregations.length > 0 || draft.groupBy.length > 0;
  const outputs = summarised
    ? [...draft.groupBy.map((g) => outputName(g.column)), ...draft.aggregations.map(aggregationName)]
    : draft.columns.length
      ? draft.columns.map((key) => outputName(refOf(key)))
      : (byName.get(draft.source ?? '')?.columns.map((c) => c.name) ?? []);

  const execute = () => {
    if (!spec) return;
    run.mutate(spec);
    sql.mutate(spec);
  };
  const result = run.data;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('query.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('query.intro')}
        </Paragraph>
      </div>
      {schema.isError ? <ErrorAlert title={t('query.schemaError')} error={schema.error} /> : null}
      <Row gutter={16}>
        <Col xs={24} lg={6}>
          <Card size="small" title={t('query.schema')}>
            <SchemaTree sources={sources} onPick={(name) => setDraft({ ...EMPTY, source: name })} />
          </Card>
        </Col>
        <Col xs={24} lg={18}>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Flex gap={8} wrap>
              <Select<string>
                placeholder={t('query.open')}
                style={{ minWidth: 260 }}
                value={savedId}
                onChange={(id) => {
                  const found = (saved.data ?? []).find((q: SavedQuery) => q.id === id);
                  if (!found) return;
                  setSavedId(id);
                  setSaveName(found.name);
                  setSaveShared(found.shared);
                  setDraft(fromSpec(found.spec));
                }}
                options={(saved.data ?? []).map((q) => ({ value: q.id, label: `${q.name} · ${q.owner}` }))}
                aria-label={t('query.open')}
                data-testid="open-saved"
              />
              <Button onClick={() => { setDraft(EMPTY); setSavedId(undefined); run.reset(); sql.reset(); }}>
                {t('query.new')}
              </Button>
            </Flex>
            <AssistantBox
              onSpec={(proposed) => {
                setDraft(fromSpec(proposed));
                setSavedId(undefined);
                run.reset();
                sql.reset();
              }}
            />
            <StepCard step={1} title={t('query.stepData')}>
              <Select<string>
                showSearch
                placeholder={t('query.pickSource')}
                style={{ width: 320 }}
                value={draft.source}
                onChange={(source) => setDraft({ ...EMPTY, source })}
                options={sources.map((s) => ({ value: s.name, label: s.name }))}
                aria-label={t('query.pickSource')}
                data-testid="source-select"
              />
            </StepCard>
            <StepCard step={2} title={t('query.stepJoin')}>
              <Space orientation="vertical" style={{ width: '100%' }}>
                {draft.joins.map((join, index) => (
                  <Flex key={index} gap={8} align="center" data-testid="join-row">
                    <Select
                      value={join.kind ?? 'inner'}
                      style={{ width: 140 }}
                      onChange={(kind) => update({ joins: draft.joins.map((j, i) => (i === index ? { ...j, kind } : j)) })}
                      options={[
                        { value: 'inner', label: t('query.joinInner') },
                        { value: 'left', label: t('query.joinLeft') },
                      ]}
                    />
                    <Select<string>
                      showSearch
                      value={join.table}
                      style={{ width: 260 }}
                      onChange={(table) => update({ joins: draft.joins.map((j, i) => (i === index ? { ...j, table } : j)) })}
                      options={sources.filter((s) => s.name !== draft.source).map((s) => ({ value: s.name, label: s.name }))}
                      aria-label={t('query.joinTable')}
                    />
                    <Text type="secondary">{t('query.on')}</Text>
                    <Select
                      value={join.on ?? 'iin'}
                      style={{ width: 120 }}
                      onChange={(on) => update({ joins: draft.joins.map((j, i) => (i === index ? { ...j, on } : j)) })}
                      options={[{ value: 'iin' }, { value: 'camp_cd' }]}
                    />
                    <Button icon={<DeleteOutlined />} aria-label={t('query.remove')} onClick={() => update({ joins: draft.joins.filter((_, i) => i !== index) })} />
                  </Flex>
                ))}
                <Button icon={<PlusOutlined />} disabled={!draft.source} onClick={() => update({ joins: [...draft.joins, { table: '', on: 'iin', kind: 'inner' }] })}>
                  {t('query.addJoin')}
                </Button>
              </Space>
            </StepCard>
            <StepCard step={3} title={t('query.stepFilter')}>
              <Space orientation="vertical" style={{ width: '100%' }}>
                {draft.filters.length > 1 ? (
                  <Segmented
                    value={draft.combine}
                    onChange={(combine) => update({ combine: combine as 'and' | 'or' })}
                    options={[
                      { value: 'and', label: t('query.all') },
                      { value: 'or', label: t('query.any') },
                    ]}
                  />
                ) : null}
                {draft.filters.map((f, index) => {
                  const kind = kindOf(f.ref);
                  const set = (patch: Partial<FilterRow>) =>
                    update({ filters: draft.filters.map((x, i) => (i === index ? { ...x, ...patch } : x)) });
                  return (
                    <Flex key={index} gap={8} align="center" data-testid="filter-row">
                      <Select<string>
                        showSearch
                        style={{ width: 260 }}
                        value={refKey(f.ref)}
                        placeholder={t('query.column')}
                        onChange={(key) => set({ ref: refOf(key), op: OPS_BY_KIND[kindOf(refOf(key))][0] ?? '=' })}
                        options={columnOptions}
                        aria-label={t('query.column')}
                      />
                      <Select<Op>
                        style={{ width: 170 }}
                        value={f.op}
                        onChange={(op) => set({ op })}
                        options={OPS_BY_KIND[kind].map((op) => ({ value: op, label: t(`query.op.${op}`) }))}
                        aria-label={t('query.operator')}
                      />
                      {needsNoValue(f.op) ? null : (
                        <Input
                          style={{ width: 240 }}
                          value={f.text}
                          onChange={(e) => set({ text: e.target.value })}
                          placeholder={t(f.op === 'in' || f.op === 'not_in' || f.op === 'between' ? 'query.valuesHint' : f.op === 'last_days' ? 'query.days' : 'query.value')}
                          aria-label={t('query.value')}
                        />
                      )}
                      <Button icon={<DeleteOutlined />} aria-label={t('query.remove')} onClick={() => update({ filters: draft.filters.filter((_, i) => i !== index) })} />
                    </Flex>
                  );
                })}
                <Button icon={<PlusOutlined />} disabled={!draft.source} onClick={() => update({ filters: [...draft.filters, { op: '=', text: '' }] })}>
                  {t('query.addFilter')}
                </Button>
              </Space>
            </StepCard>
            <StepCard step={4} title={t('query.stepSummarise')}>
              <Space orientation="vertical" style={{ width: '100%' }}>
                {draft.aggregations.map((a, index) => (
                  <Flex key={`a${index}`} gap={8} align="center" data-testid="aggregation-row">
                    <Select<Aggregation['fn']>
                      style={{ width: 200 }}
                      value={a.fn}
                      onChange={(fn) => update({ aggregations: draft.aggregations.map((x, i) => (i === index ? { ...x, fn } : x)) })}
                      options={FNS.map((fn) => ({ value: fn, label: t(`query.fn.${fn}`) }))}
                      aria-label={t('query.measure')}
                    />
                    <Select<string>
                      allowClear
                      showSearch
                      style={{ width: 260 }}
                      value={refKey(a.column ?? undefined)}
                      placeholder={a.fn === 'count' ? t('query.rows') : t('query.column')}
                      onChange={(key) =>
                        update({ aggregations: draft.aggregations.map((x, i) => (i === index ? { ...x, column: key ? refOf(key) : null } : x)) })
                      }
                      options={columnOptions}
                      aria-label={t('query.measureColumn')}
                    />
                    <Button icon={<DeleteOutlined />} aria-label={t('query.remove')} onClick={() => update({ aggregations: draft.aggregations.filter((_, i) => i !== index) })} />
                  </Flex>
                ))}
                <Button icon={<PlusOutlined />} disabled={!draft.source} onClick={() => update({ aggregations: [...draft.aggregations, { fn: 'count' }] })}>
                  {t('query.addMeasure')}
                </Button>
                {draft.groupBy.map((g, index) => {
                  const kind = kindOf(g.column);
                  return (
                    <Flex key={`g${index}`} gap={8} align="center" data-testid="group-row">
                      <Text type="secondary">{t('query.by')}</Text>
                      <Select<string>
                        showSearch
                        style={{ width: 260 }}
                        value={refKey(g.column)}
                        onChange={(key) => update({ groupBy: draft.groupBy.map((x, i) => (i === index ? { column: refOf(key) } : x)) })}
                        options={columnOptions}
                        aria-label={t('query.groupColumn')}
                      />
                      {kind === 'date' || kind === 'timestamp' ? (
                        <Select
                          allowClear
                          style={{ width: 140 }}
                          value={g.bucket ?? undefined}
                          placeholder={t('query.asIs')}
                          onChange={(bucket) => update({ groupBy: draft.groupBy.map((x, i) => (i === index ? { ...x, bucket: bucket ?? null } : x)) })}
                          options={BUCKETS.map((b) => ({ value: b, label: t(`query.bucket.${b}`) }))}
                          aria-label={t('query.bucketLabel')}
                        />
                      ) : null}
                      <Button icon={<DeleteOutlined />} aria-label={t('query.remove')} onClick={() => update({ groupBy: draft.groupBy.filter((_, i) => i !== index) })} />
                    </Flex>
                  );
                })}
                <Button icon={<PlusOutlined />} disabled={!draft.source} onClick={() => update({ groupBy: [...draft.groupBy, { column: { column: byName.get(draft.source ?? '')?.columns[0]?.name ?? 'iin' } }] })}>
                  {t('query.addGroup')}
                </Button>
              </Space>
            </StepCard>
            <StepCard step={5} title={t('query.stepSort')}>
              <Flex gap={8} align="center" wrap>
                <Select<string[]>
                  mode="multiple"
                  allowClear
                  style={{ minWidth: 260, maxWidth: 560 }}
                  value={summarised ? [] : draft.columns}
                  disabled={!draft.source || summarised}
                  placeholder={summarised ? t('query.columnsOfSummary') : t('query.allColumns')}
                  onChange={(columns) => update({ columns, orderBy: undefined })}
                  options={columnOptions}
                  aria-label={t('query.columns')}
                  data-testid="output-columns"
                />
                <Select<string>
                  allowClear
                  style={{ width: 260 }}
                  value={draft.orderBy}
                  placeholder={t('query.sortBy')}
                  onChange={(orderBy) => update({ orderBy })}
                  options={outputs.map((name) => ({ value: name, label: name }))}
                  aria-label={t('query.sortBy')}
                />
                <Segmented
                  value={draft.desc ? 'desc' : 'asc'}
                  onChange={(v) => update({ desc: v === 'desc' })}
                  options={[
                    { value: 'asc', label: t('query.asc') },
                    { value: 'desc', label: t('query.desc') },
                  ]}
                />
                <Text type="secondary">{t('query.limit')}</Text>
                <InputNumber min={1} value={draft.limit} onChange={(limit) => update({ limit: limit ?? undefined })} aria-label={t('query.limit')} />
              </Flex>
            </StepCard>
            <Flex gap={8}>
              <Button type="primary" icon={<PlayCircleOutlined />} disabled={!spec} loading={run.isPending} onClick={execute} data-testid="run-query">
                {t('query.run')}
              </Button>
              <Button icon={<SaveOutlined />} disabled={!spec} onClick={() => setSaveOpen(true)}>
                {t('query.save')}
              </Button>
              <ExportButton spec={spec} />
              <Button
                icon={<TeamOutlined />}
                disabled={!spec || !result || !result.columns.some((c) => c.name === 'iin' || c.name.endsWith('__iin'))}
                loading={toUpload.isPending}
                onClick={() => spec && toUpload.mutate({ spec, name: saveName.trim() || `${t('query.title')}: ${spec.source}` })}
                data-testid="to-upload"
              >
                {t('query.toAudience')}
              </Button>
            </Flex>
            {run.isError ? <ErrorAlert title={t('query.runError')} error={run.error} /> : null}
            {toUpload.isError ? <ErrorAlert title={t('query.toAudienceError')} error={toUpload.error} /> : null}
            {toUpload.data ? (
              <Text type="success" data-testid="to-upload-done">
                {t('query.toAudienceDone', { count: toUpload.data.unique_iins, id: toUpload.data.upload_id })}
              </Text>
            ) : null}
            {result ? (
              <>
                <Text type="secondary" data-testid="result-count">
                  {t(result.truncated ? 'query.rowsTruncated' : 'query.rowsShown', { count: result.row_count })}
                </Text>
                {summarised ? <ResultChart result={result} /> : null}
                <Card size="small" styles={{ body: { padding: 0 } }}>
                  <Table
                    size="small"
                    rowKey="__i"
                    data-testid="result-grid"
                    dataSource={result.rows.map((r, i) => ({ __i: i, ...Object.fromEntries(result.columns.map((c, j) => [c.name, r[j]])) }))}
                    columns={result.columns.map((c) => ({
                      key: c.name,
                      dataIndex: c.name,
                      title: <span style={{ fontFamily: 'monospace' }}>{c.name}</span>,
                      ellipsis: true,
                      render: (v: unknown) => (v === null || v === undefined ? <Text type="secondary">∅</Text> : String(v)),
                    }))}
                    pagination={{ pageSize: 50, hideOnSinglePage: true }}
                    scroll={{ x: Math.max(600, result.columns.length * 150) }}
                  />
                </Card>
              </>
            ) : (
              <Empty description={t('query.noResult')} />
            )}
            {sql.data ? (
              <Card size="small" title={t('query.sql')}>
                <Input.TextArea readOnly value={sql.data.sql} autoSize={{ minRows: 3, maxRows: 16 }} style={{ fontFamily: 'monospace' }} data-testid="compiled-sql" />
              </Card>
            ) : null}
          </Space>
        </Col>
      </Row>
      <Modal
        open={saveOpen}
        title={t('query.save')}
        okText={t('query.save')}
        confirmLoading={save.isPending}
        onCancel={() => setSaveOpen(false)}
        onOk={() => {
          if (!spec || !saveName.trim()) return;
          save.mutate(
            { id: savedId, name: saveName.trim(), shared: saveShared, spec },
            {
              onSuccess: (savedQuery) => {
                setSavedId(savedQuery.id);
                setSaveOpen(false);
              },
            },
          );
        }}
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Input value={saveName} onChange={(e) => setSaveName(e.target.value)} placeholder={t('query.name')} aria-label={t('query.name')} />
          <Checkbox checked={saveShared} onChange={(e) => setSaveShared(e.target.checked)}>
            {t('query.shared')}
          </Checkbox>
          {save.isError ? <ErrorAlert title={t('query.saveError')} error={save.error} /> : null}
        </Space>
      </Modal>
    </Space>
  );
}
