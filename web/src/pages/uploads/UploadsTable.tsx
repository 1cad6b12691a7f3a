import { DeleteOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Popconfirm, Table, Tooltip, Typography, theme } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../api/errors';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatCount, formatDateTime } from '../../lib/format';
import { PurposeTag } from './PurposeTag';
import type { UploadSummary } from './types';
import { useDeleteUpload, useUploadList } from './useUploads';

const { Text } = Typography;

const PAGE_SIZE = 10;

/** Read by screen readers, not shown: the delete column needs no visible heading. */
const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

interface UploadsTableProps {
  selectedId: string | null;
  onOpen: (id: string) => void;
  onDeleted: (id: string) => void;
  /** Analysts and admins delete; users only look. */
  canDelete: boolean;
  /** An admin sees everyone's uploads. */
  everyone: boolean;
}

/** The uploads (own; an admin's: all), newest first; a click opens the report. */
export function UploadsTable({ selectedId, onOpen, onDeleted, canDelete, everyone }: UploadsTableProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { token } = theme.useToken();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const list = useUploadList(page, PAGE_SIZE);
  const remove = useDeleteUpload();
  const items = list.data?.items ?? [];

  const confirmDelete = async (upload: UploadSummary) => {
    if (!upload.id) return;
    try {
      await remove.mutateAsync(upload.id);
      void message.success(t('uploads.list.deleted', { filename: upload.filename }));
      onDeleted(upload.id);
      // The last row of a page gone: show the page before.
      if (items.length === 1 && page > 1) setPage(page - 1);
    } catch (error) {
      void message.error(errorMessage(error, t));
    }
  };

  const columns: TableColumnsType<UploadSummary> = [
    {
      title: t('uploads.list.col.filename'),
      dataIndex: 'filename',
      key: 'filename',
      ellipsis: { showTitle: false },
      render: (filename: string, upload) => (
        <Tooltip title={t('uploads.list.open')}>
          <Button
            type="link"
            style={{ padding: 0, height: 'auto', maxWidth: '100%' }}
            onClick={(event) => {
              event.stopPropagation();
              if (upload.id) onOpen(upload.id);
            }}
          >
            <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{filename}</span>
          </Button>
        </Tooltip>
      ),
    },
    {
      title: t('uploads.list.col.purpose'),
      dataIndex: 'purpose',
      key: 'purpose',
      width: 150,
      render: (purpose: UploadSummary['purpose']) => (
        <PurposeTag purpose={purpose} />
      ),
    },
    {
      title: t('uploads.list.col.unique'),
      dataIndex: 'unique_iins',
      key: 'unique_iins',
      width: 150,
      align: 'right',
      render: (count: number) => (
        <Text style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="upload-unique">
          {formatCount(count, language)}
        </Text>
      ),
    },
    {
      title: t('uploads.list.col.owner'),
      dataIndex: 'owner',
      key: 'owner',
      width: 160,
      ellipsis: true,
    },
    {
      title: t('uploads.list.col.createdAt'),
      dataIndex: 'created_at',
      key: 'created_at',
      width: 160,
      render: (iso: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(iso, language)}</span>,
    },
  ];
  if (canDelete) {
    columns.push({
      title: <span style={VISUALLY_HIDDEN}>{t('uploads.list.col.actions')}</span>,
      key: 'actions',
      width: 64,
      align: 'center',
      render: (_: unknown, upload) => (
        <span onClick={(event) => event.stopPropagation()}>
          <Popconfirm
            title={t('uploads.list.deleteTitle', { filename: upload.filename })}
            description={t('uploads.list.deleteText', { dataset: upload.dataset ?? '' })}
            okText={t('uploads.list.deleteOk')}
            cancelText={t('uploads.list.cancel')}
            okButtonProps={{ danger: true, loading: remove.isPending }}
            onConfirm={() => confirmDelete(upload)}
          >
            <Tooltip title={t('uploads.list.delete')}>
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={`${t('uploads.list.delete')} ${upload.filename}`}
              />
            </Tooltip>
          </Popconfirm>
        </span>
      ),
    });
  }

  return (
    <Card
      size="small"
      title={everyone ? t('uploads.list.titleAll') : t('uploads.list.title')}
      styles={{ body: { padding: 0 } }}
      data-testid="uploads-list"
    >
      {list.isError ? (
        <div style={{ padding: 16 }}>
          <ErrorAlert title={t('uploads.list.loadError')} error={list.error} onRetry={() => void list.refetch()} />
        </div>
      ) : null}
      <Table<UploadSummary>
        rowKey={(upload) => upload.id ?? `${upload.filename}-${upload.created_at}`}
        size="middle"
        columns={columns}
        dataSource={items}
        loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
        onRow={(upload) => ({
          onClick: () => upload.id && onOpen(upload.id),
          style: {
            cursor: 'pointer',
            background: upload.id === selectedId ? token.controlItemBgActive : undefined,
          },
          'aria-selected': upload.id === selectedId,
        })}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
          showSizeChanger: false,
        }}
        locale={{ emptyText: list.isError ? ' ' : <Empty description={t('uploads.list.empty')} /> }}
        tableLayout="fixed"
        scroll={{ x: 760 }}
      />
    </Card>
  );
}
