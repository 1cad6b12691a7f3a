import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { ErrorAlert } from '../../../components/ErrorAlert';
import {
  REFERENCE_KINDS,
  useDeleteReference,
  useReferenceList,
  useSaveReference,
  type ReferenceKind,
  type ReferenceRow,
  type ReferenceValues,
} from './useReference';

const { Title, Paragraph, Text } = Typography;

type FieldKind = 'text' | 'textarea' | 'number' | 'bool' | 'campaignType';

interface FieldSpec {
  name: string;
  type: FieldKind;
  /** Set on creation only (the code and a stream's campaign type identify the row). */
  createOnly?: boolean;
  required?: boolean;
  pattern?: RegExp;
  max?: number;
}

const SLUG = /^[a-z][a-z0-9_]*$/;

const FIELDS: Record<ReferenceKind, FieldSpec[]> = {
  streams: [
    { name: 'code', type: 'text', createOnly: true, required: true, pattern: SLUG, max: 40 },
    { name: 'campaign_type', type: 'campaignType', createOnly: true, required: true },
    { name: 'name_ru', type: 'text', required: true, max: 200 },
    { name: 'name_kz', type: 'text', required: true, max: 200 },
    { name: 'sort_order', type: 'number' },
  ],
  filials: [
    { name: 'code', type: 'text', createOnly: true, required: true, pattern: /^[0-9]{2}$/, max: 2 },
    { name: 'name_ru', type: 'text', required: true, max: 200 },
    { name: 'name_kz', type: 'text', required: true, max: 200 },
    { name: 'region', type: 'text', required: true, max: 200 },
    { name: 'is_big_city', type: 'bool' },
  ],
  'push-event-types': [
    { name: 'code', type: 'text', createOnly: true, required: true, pattern: SLUG, max: 40 },
    { name: 'name_ru', type: 'text', required: true, max: 200 },
    { name: 'name_kz', type: 'text', required: true, max: 200 },
    { name: 'description_ru', type: 'textarea', max: 2000 },
  ],
  channels: [
    { name: 'code', type: 'text', createOnly: true, required: true, pattern: SLUG, max: 10 },
    { name: 'name_ru', type: 'text', required: true, max: 100 },
    { name: 'name_kz', type: 'text', required: true, max: 100 },
  ],
};

/** Columns shown besides code, names, enabled and actions. */
const EXTRA_COLUMNS: Record<ReferenceKind, string[]> = {
  streams: ['campaign_type', 'sort_order'],
  filials: ['region', 'is_big_city'],
  'push-event-types': ['description_ru'],
  channels: [],
};

function valueOf(row: ReferenceRow, name: string): unknown {
  return (row as unknown as Record<string, unknown>)[name];
}

/** Admin → Reference data: streams, filials, push event types and channels; add, edit, disable, delete. */
export function ReferencePage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ReferenceKind>('streams');
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('refdata.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('refdata.intro')}
        </Paragraph>
      </div>
      <Tabs
        activeKey={kind}
        onChange={(key) => setKind(key as ReferenceKind)}
        items={REFERENCE_KINDS.map((k) => ({ key: k, label: t(`refdata.tabs.${k}`), children: <ReferenceTab kind={k} /> }))}
      />
    </Space>
  );
}

function ReferenceTab({ kind }: { kind: ReferenceKind }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const rows = useReferenceList(kind);
  const save = useSaveReference(kind);
  const remove = useDeleteReference(kind);
  const [editing, setEditing] = useState<ReferenceRow | 'new' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const toggle = async (row: ReferenceRow) => {
    setActionError(null);
    try {
      await save.mutateAsync({ code: row.code, body: { enabled: !row.enabled } });
      void message.success(t(row.enabled ? 'refdata.disabled' : 'refdata.enabled', { code: row.code }));
    } catch (error) {
      setActionError(errorMessage(error, t));
    }
  };
  const drop = async (row: ReferenceRow) => {
    setActionError(null);
    try {
      await remove.mutateAsync(row.code);
      void message.success(t('refdata.deleted', { code: row.code }));
    } catch (error) {
      setActionError(errorMessage(error, t));
    }
  };

  const columns: TableColumnsType<ReferenceRow> = [
    {
      title: t('refdata.field.code'),
      dataIndex: 'code',
      key: 'code',
      width: 150,
      render: (code: string, row) => (
        <Text type={row.enabled ? undefined : 'secondary'} style={{ fontFamily: 'monospace' }}>
          {code}
        </Text>
      ),
    },
    { title: t('refdata.field.name_ru'), dataIndex: 'name_ru', key: 'name_ru', ellipsis: true },
    { title: t('refdata.field.name_kz'), dataIndex: 'name_kz', key: 'name_kz', ellipsis: true },
    ...EXTRA_COLUMNS[kind].map((name) => ({
      title: t(`refdata.field.${name}`),
      key: name,
      ellipsis: true,
      width: name === 'description_ru' ? undefined : 150,
      render: (_: unknown, row: ReferenceRow) => {
        const value = valueOf(row, name);
        if (typeof value === 'boolean') return value ? <Tag color="blue">{t('refdata.yes')}</Tag> : null;
        return value === null || value === undefined ? '—' : String(value);
      },
    })),
    {
      title: t('refdata.field.enabled'),
      dataIndex: 'enabled',
      key: 'enabled',
      width: 100,
      render: (enabled: boolean, row) => (
        <Popconfirm
          title={t(enabled ? 'refdata.confirmDisable' : 'refdata.confirmEnable', { code: row.code })}
          okText={t(enabled ? 'refdata.disable' : 'refdata.enable')}
          cancelText={t('refdata.cancel')}
          onConfirm={() => toggle(row)}
        >
          <Switch checked={enabled} aria-label={t('refdata.enabledOf', { code: row.code })} data-testid={`enabled-${row.code}`} />
        </Popconfirm>
      ),
    },
    {
      key: 'actions',
      width: 96,
      align: 'center',
      render: (_: unknown, row) => (
        <Space size={0}>
          <Tooltip title={t('refdata.edit')}>
            <Button
              type="text"
              icon={<EditOutlined />}
              aria-label={`${t('refdata.edit')} ${row.code}`}
              data-testid={`edit-${row.code}`}
              onClick={() => {
                setActionError(null);
                setEditing(row);
              }}
            />
          </Tooltip>
          <Popconfirm
            title={t('refdata.confirmDelete', { code: row.code })}
            description={t('refdata.confirmDeleteText')}
            okText={t('refdata.delete')}
            okButtonProps={{ danger: true }}
            cancelText={t('refdata.cancel')}
            onConfirm={() => drop(row)}
          >
            <Button type="text" danger icon={<DeleteOutlined />} aria-label={`${t('refdata.delete')} ${row.code}`} data-testid={`delete-${row.code}`} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" gap={16} wrap>
        <Text type="secondary">{t(`refdata.help.${kind}`)}</Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid={`add-${kind}`}>
          {t('refdata.add')}
        </Button>
      </Flex>
      {rows.isError ? <ErrorAlert title={t('refdata.loadError')} error={rows.error} onRetry={() => void rows.refetch()} /> : null}
      {actionError ? (
        <Alert type="error" showIcon role="alert" closable={{ onClose: () => setActionError(null) }} title={actionError} data-testid="reference-action-error" />
      ) : null}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<ReferenceRow>
          rowKey="code"
          size="middle"
          columns={columns}
          dataSource={rows.data ?? []}
          loading={rows.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true, style: { marginInline: 16 } }}
          tableLayout="fixed"
          scroll={{ x: 900 }}
        />
      </Card>
      <EditModal kind={kind} row={editing} onClose={() => setEditing(null)} />
    </Space>
  );
}

function EditModal({ kind, row, onClose }: { kind: ReferenceKind; row: ReferenceRow | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReferenceValues>();
  const save = useSaveReference(kind);
  const [error, setError] = useState<string | null>(null);
  const creating = row === 'new';
  const fields = FIELDS[kind].filter((f) => creating || !f.createOnly);

  useEffect(() => {
    if (row === null) return;
    form.resetFields();
    if (row !== 'new') form.setFieldsValue(Object.fromEntries(fields.map((f) => [f.name, valueOf(row, f.name)])) as ReferenceValues);
    else if (kind === 'streams') form.setFieldsValue({ campaign_type: 'RB1', sort_order: 0 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [row, kind]);

  const close = () => {
    setError(null);
    save.reset();
    onClose();
  };

  const submit = async (values: ReferenceValues) => {
    setError(null);
    const body: ReferenceValues = {};
    for (const field of fields) {
      const value = values[field.name];
      if (field.type === 'bool') body[field.name] = Boolean(value);
      else if (field.type === 'textarea') body[field.name] = typeof value === 'string' && value.trim() ? value.trim() : null;
      else if (value !== undefined && value !== null && value !== '') body[field.name] = typeof value === 'string' ? value.trim() : value;
    }
    try {
      const saved = await save.mutateAsync({ code: creating || row === null ? null : row.code, body });
      void message.success(t(creating ? 'refdata.created' : 'refdata.saved', { code: saved.code }));
      close();
    } catch (caught) {
      setError(errorMessage(caught, t));
    }
  };

  return (
    <Modal
      open={row !== null}
      title={creating || row === null ? t(`refdata.addTitle.${kind}`) : t('refdata.editTitle', { code: row.code })}
      okText={t('refdata.save')}
      cancelText={t('refdata.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={close}
      destroyOnHidden
      forceRender
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="reference-form-error" /> : null}
      <Form form={form} name={`reference-${kind}`} layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
        {fields.map((field) => (
          <Form.Item
            key={field.name}
            name={field.name}
            label={t(`refdata.field.${field.name}`)}
            valuePropName={field.type === 'bool' ? 'checked' : 'value'}
            rules={[
              ...(field.required ? [{ required: true, whitespace: true, message: t('refdata.required') }] : []),
              ...(field.pattern ? [{ pattern: field.pattern, message: t(`refdata.pattern.${field.name === 'code' && kind === 'filials' ? 'filial' : 'slug'}`) }] : []),
              ...(field.max ? [{ max: field.max, message: t('refdata.tooLong', { max: field.max }) }] : []),
            ]}
          >
            {field.type === 'bool' ? (
              <Switch />
            ) : field.type === 'number' ? (
              <InputNumber min={0} max={10000} style={{ width: 160 }} />
            ) : field.type === 'textarea' ? (
              <Input.TextArea rows={3} />
            ) : field.type === 'campaignType' ? (
              <Select options={['RB1', 'RB3'].map((value) => ({ value, label: value }))} style={{ width: 160 }} />
            ) : (
              <Input data-testid={`field-${field.name}`} />
            )}
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}
