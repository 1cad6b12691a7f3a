import { ApiOutlined, DeleteOutlined, EditOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount, formatDateTime } from '../../../lib/format';
import { jobStageText, type Job } from '../../../lib/jobs';
import {
  useCreateSource,
  useCreateSourceDataset,
  useUpdateSchedule,
  useUpdateSource,
  useDeleteSource,
  useDeleteSourceDataset,
  useRefreshSourceDataset,
  useSourceDatasets,
  useSources,
  useTestSource,
  type DataSource,
  type SourceDataset,
} from './useDataSources';

const { Title, Paragraph, Text } = Typography;

const CATEGORIES = ['blacklist', 'abc_model', 'push', 'product', 'analytics', 'pool', 'feature_store'];

/** Admin → Data sources: external databases and the catalog datasets refreshed from them. */
export function DataSourcesPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { message } = App.useApp();
  const sources = useSources();
  const datasets = useSourceDatasets();
  const testSource = useTestSource();
  const deleteSource = useDeleteSource();
  const deleteDataset = useDeleteSourceDataset();
  const [stage, setStage] = useState<string | null>(null);
  const refresh = useRefreshSourceDataset((job: Job) => setStage(jobStageText(job.stage, t)));
  const [adding, setAdding] = useState<'source' | 'dataset' | null>(null);
  const [editing, setEditing] = useState<DataSource | null>(null);
  const [scheduling, setScheduling] = useState<SourceDataset | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const act = async (work: () => Promise<unknown>, success: string) => {
    setActionError(null);
    try {
      await work();
      void message.success(success);
    } catch (error) {
      setActionError(errorMessage(error, t));
    } finally {
      setStage(null);
    }
  };

  const sourceName = (id: string) => sources.data?.find((s) => s.id === id)?.name ?? id;

  const sourceColumns: TableColumnsType<DataSource> = [
    { title: t('sources.col.name'), dataIndex: 'name', key: 'name', width: 180, render: (name: string) => <Text strong>{name}</Text> },
    { title: t('sources.col.dialect'), dataIndex: 'dialect', key: 'dialect', width: 120, render: (d: string) => <Tag>{d}</Tag> },
    { title: t('sources.col.url'), dataIndex: 'display_url', key: 'url', ellipsis: true, render: (url: string) => <Text code>{url}</Text> },
    {
      title: t('sources.col.tested'),
      key: 'tested',
      width: 200,
      render: (_: unknown, s) =>
        s.last_test_at ? (
          <Space size={4}>
            <Tag color={s.last_test_ok ? 'green' : 'red'}>{t(s.last_test_ok ? 'sources.ok' : 'sources.failed')}</Tag>
            <Text type="secondary">{formatDateTime(s.last_test_at, language)}</Text>
          </Space>
        ) : (
          <Text type="secondary">{t('sources.never')}</Text>
        ),
    },
    {
      key: 'actions',
      width: 110,
      render: (_: unknown, s) => (
        <Space size={0}>
          <Tooltip title={t('sources.editSource')}>
            <Button type="text" icon={<EditOutlined />} aria-label={`${t('sources.editSource')} ${s.name}`} onClick={() => setEditing(s)} />
          </Tooltip>
          <Tooltip title={t('sources.test')}>
            <Button
              type="text"
              icon={<ApiOutlined />}
              loading={testSource.isPending && testSource.variables === s.id}
              aria-label={`${t('sources.test')} ${s.name}`}
              data-testid={`test-${s.name}`}
              onClick={() =>
                void act(async () => {
                  const result = await testSource.mutateAsync(s.id);
                  if (!result.ok) throw new Error(`${result.code ? t(`codes.${result.code}`) : ''} ${result.detail ?? ''}`.trim());
                }, t('sources.connected', { name: s.name }))
              }
            />
          </Tooltip>
          <Popconfirm
            title={t('sources.confirmDelete', { name: s.name })}
            okText={t('sources.delete')}
            okButtonProps={{ danger: true }}
            cancelText={t('sources.cancel')}
            onConfirm={() => act(() => deleteSource.mutateAsync(s.id), t('sources.deleted', { name: s.name }))}
          >
            <Button type="text" danger icon={<DeleteOutlined />} aria-label={`${t('sources.delete')} ${s.name}`} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  const datasetColumns: TableColumnsType<SourceDataset> = [
    { title: t('sources.col.dataset'), dataIndex: 'dataset', key: 'dataset', width: 170, render: (d: string) => <Text strong>{d}</Text> },
    { title: t('sources.col.source'), key: 'source', width: 130, render: (_: unknown, m) => sourceName(m.source_id) },
    {
      title: t('sources.col.what'),
      key: 'what',
      ellipsis: true,
      render: (_: unknown, m) => <Text code>{m.source_table ?? m.query}</Text>,
    },
    { title: t('sources.col.schedule'), dataIndex: 'schedule', key: 'schedule', width: 120, render: (s: string | null) => s ?? t('sources.byButton') },
    {
      title: t('sources.col.rows'),
      key: 'rows',
      width: 200,
      render: (_: unknown, m) => (
        <Flex vertical>
          <Text>{m.row_count === null || m.row_count === undefined ? '—' : formatCount(m.row_count, language)}</Text>
          {m.refreshed_at ? <Text type="secondary">{formatDateTime(m.refreshed_at, language)}</Text> : null}
          {m.last_job_status === 'failed' ? <Tag color="red">{t('sources.lastFailed')}</Tag> : null}
        </Flex>
      ),
    },
    {
      key: 'actions',
      width: 110,
      render: (_: unknown, m) => (
        <Space size={0}>
          <Tooltip title={t('sources.editSchedule')}>
            <Button type="text" icon={<EditOutlined />} aria-label={`${t('sources.editSchedule')} ${m.dataset}`} onClick={() => setScheduling(m)} />
          </Tooltip>
          <Tooltip title={t('sources.refresh')}>
            <Button
              type="text"
              icon={<SyncOutlined spin={refresh.isPending && refresh.variables === m.dataset} />}
              disabled={refresh.isPending}
              aria-label={`${t('sources.refresh')} ${m.dataset}`}
              data-testid={`refresh-${m.dataset}`}
              onClick={() => void act(() => refresh.mutateAsync(m.dataset), t('sources.refreshed', { dataset: m.dataset }))}
            />
          </Tooltip>
          <Popconfirm
            title={t('sources.confirmUnmap', { dataset: m.dataset })}
            description={t('sources.confirmUnmapText')}
            okText={t('sources.delete')}
            okButtonProps={{ danger: true }}
            cancelText={t('sources.cancel')}
            onConfirm={() => act(() => deleteDataset.mutateAsync(m.dataset), t('sources.unmapped', { dataset: m.dataset }))}
          >
            <Button type="text" danger icon={<DeleteOutlined />} aria-label={`${t('sources.delete')} ${m.dataset}`} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('sources.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('sources.intro')}
        </Paragraph>
      </div>
      {actionError ? (
        <Alert type="error" showIcon role="alert" closable={{ onClose: () => setActionError(null) }} title={actionError} data-testid="sources-action-error" />
      ) : null}
      {stage ? <Alert type="info" showIcon title={stage} /> : null}

      <Card
        size="small"
        title={t('sources.sources')}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setAdding('source')} data-testid="add-source">
            {t('sources.addSource')}
          </Button>
        }
        styles={{ body: { padding: 0 } }}
      >
        {sources.isError ? <ErrorAlert title={t('sources.loadError')} error={sources.error} onRetry={() => void sources.refetch()} /> : null}
        <Table<DataSource> rowKey="id" size="middle" columns={sourceColumns} dataSource={sources.data ?? []} loading={sources.isPending} pagination={false} tableLayout="fixed" />
      </Card>

      <Card
        size="small"
        title={t('sources.datasets')}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setAdding('dataset')} disabled={!sources.data?.length} data-testid="add-dataset">
            {t('sources.addDataset')}
          </Button>
        }
        styles={{ body: { padding: 0 } }}
      >
        <Table<SourceDataset>
          rowKey="dataset"
          size="middle"
          columns={datasetColumns}
          dataSource={datasets.data ?? []}
          loading={datasets.isPending}
          pagination={false}
          tableLayout="fixed"
        />
      </Card>

      <AddSourceModal open={adding === 'source'} onClose={() => setAdding(null)} />
      {editing ? <EditSourceModal source={editing} onClose={() => setEditing(null)} /> : null}
      {scheduling ? <ScheduleModal mapping={scheduling} onClose={() => setScheduling(null)} /> : null}
      <AddDatasetModal open={adding === 'dataset'} onClose={() => setAdding(null)} sources={sources.data ?? []} />
    </Space>
  );
}

function ScheduleModal({ mapping, onClose }: { mapping: SourceDataset; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ schedule?: string }>();
  const update = useUpdateSchedule();
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal open title={t('sources.editSchedule')} okText={t('sources.save')} cancelText={t('sources.cancel')} confirmLoading={update.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="edit-schedule"
        layout="vertical"
        initialValues={{ schedule: mapping.schedule ?? '' }}
        onFinish={(values) =>
          void (async () => {
            setError(null);
            try {
              await update.mutateAsync({ dataset: mapping.dataset, schedule: (values.schedule ?? '').trim() });
              void message.success(t('sources.scheduleSaved', { dataset: mapping.dataset }));
              onClose();
            } catch (caught) {
              setError(errorMessage(caught, t));
            }
          })()
        }
      >
        <Form.Item name="schedule" label={t('sources.col.schedule')} extra={t('sources.scheduleHelp')}>
          <Input placeholder="0 6 * * *" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EditSourceModal({ source, onClose }: { source: DataSource; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; url?: string }>();
  const update = useUpdateSource();
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal open title={t('sources.editSource')} okText={t('sources.save')} cancelText={t('sources.cancel')} confirmLoading={update.isPending} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="edit-source"
        layout="vertical"
        requiredMark={false}
        initialValues={{ name: source.name }}
        onFinish={(values) =>
          void (async () => {
            setError(null);
            const url = values.url?.trim();
            try {
              const saved = await update.mutateAsync({ id: source.id, name: values.name.trim(), ...(url ? { url } : {}) });
              void message.success(t('sources.updated', { name: saved.name }));
              onClose();
            } catch (caught) {
              setError(errorMessage(caught, t));
            }
          })()
        }
      >
        <Form.Item name="name" label={t('sources.col.name')} rules={[{ required: true, whitespace: true, message: t('sources.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="url" label={t('sources.newUrl')} extra={<Text code>{source.display_url}</Text>}>
          {/* The stored URL (its credentials) is never sent back: only a new one can be typed. */}
          <Input.Password autoComplete="off" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function AddSourceModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; url: string }>();
  const create = useCreateSource();
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    form.resetFields();
    onClose();
  };
  return (
    <Modal open={open} title={t('sources.addSource')} okText={t('sources.save')} cancelText={t('sources.cancel')} confirmLoading={create.isPending} onOk={() => form.submit()} onCancel={close} destroyOnHidden forceRender>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form
        form={form}
        name="add-source"
        layout="vertical"
        requiredMark={false}
        onFinish={(values) =>
          void (async () => {
            setError(null);
            try {
              const source = await create.mutateAsync({ name: values.name.trim(), url: values.url.trim() });
              void message.success(t('sources.created', { name: source.name }));
              close();
            } catch (caught) {
              setError(errorMessage(caught, t));
            }
          })()
        }
      >
        <Form.Item name="name" label={t('sources.col.name')} rules={[{ required: true, whitespace: true, message: t('sources.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="url" label={t('sources.col.url')} extra={t('sources.urlHelp')} rules={[{ required: true, whitespace: true, message: t('sources.required') }]}>
          {/* A password field: the URL carries the credentials, and the server never shows them again. */}
          <Input.Password autoComplete="off" placeholder="oracle+oracledb://user:password@host:1521/?service_name=DSSB" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface DatasetValues {
  dataset: string;
  source_id: string;
  category: string;
  what: 'table' | 'query';
  source_table?: string;
  query?: string;
  schedule?: string;
}

function AddDatasetModal({ open, onClose, sources }: { open: boolean; onClose: () => void; sources: DataSource[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<DatasetValues>();
  const create = useCreateSourceDataset();
  const [error, setError] = useState<string | null>(null);
  const what = Form.useWatch('what', form) ?? 'table';
  const close = () => {
    setError(null);
    form.resetFields();
    onClose();
  };
  const submit = async (values: DatasetValues) => {
    setError(null);
    try {
      const made = await create.mutateAsync({
        dataset: values.dataset.trim(),
        source_id: values.source_id,
        category: values.category,
        source_table: values.what === 'table' ? (values.source_table ?? '').trim() : null,
        query: values.what === 'query' ? (values.query ?? '').trim() : null,
        schedule: values.schedule?.trim() ? values.schedule.trim() : null,
      });
      void message.success(t('sources.mapped', { dataset: made.dataset }));
      close();
    } catch (caught) {
      setError(errorMessage(caught, t));
    }
  };
  return (
    <Modal open={open} title={t('sources.addDataset')} okText={t('sources.save')} cancelText={t('sources.cancel')} confirmLoading={create.isPending} onOk={() => form.submit()} onCancel={close} destroyOnHidden forceRender>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} name="add-source-dataset" layout="vertical" requiredMark={false} initialValues={{ what: 'table', category: 'analytics' }} onFinish={(v) => void submit(v)}>
        <Form.Item name="dataset" label={t('sources.col.dataset')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/, message: t('codes.datasource.bad_dataset_name') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="source_id" label={t('sources.col.source')} rules={[{ required: true, message: t('sources.required') }]}>
          <Select options={sources.map((s) => ({ value: s.id, label: s.name }))} />
        </Form.Item>
        <Form.Item name="category" label={t('sources.col.category')}>
          <Select options={CATEGORIES.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
        <Form.Item name="what" label={t('sources.col.what')}>
          <Radio.Group options={[{ value: 'table', label: t('sources.table') }, { value: 'query', label: t('sources.query') }]} />
        </Form.Item>
        {what === 'table' ? (
          <Form.Item name="source_table" label={t('sources.table')} rules={[{ required: true, message: t('sources.required') }]}>
            <Input placeholder="DSSB.ACRM_BLACKLIST" />
          </Form.Item>
        ) : (
          <Form.Item name="query" label={t('sources.query')} rules={[{ required: true, message: t('sources.required') }]}>
            <Input.TextArea rows={4} placeholder="SELECT iin, added_date FROM ..." style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        )}
        <Form.Item name="schedule" label={t('sources.col.schedule')} extra={t('sources.scheduleHelp')}>
          <Input placeholder="0 6 * * *" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
