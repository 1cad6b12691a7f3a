import { FolderOpenOutlined, HistoryOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Drawer, Flex, Select, Table, Tag, Typography } from 'antd';
import { useId, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { formatCount, formatDate, formatDateTime } from '../../../lib/format';
import { fetchAudience, useAudienceVersions, useSavedAudiences } from './api';
import { Field } from './Field';
import type { AudienceVersion, EditedAudience, SavedAudience } from './types';

const { Text } = Typography;

/**
 * "Open a saved audience": its spec goes into the builder (every panel editable) and a save may
 * then make its next version. The versions of the open audience are listed in a drawer, each
 * with its size and date; any of them may be opened.
 */
export function OpenSavedPanel({
  editing,
  language,
  onOpen,
  onClose,
}: {
  editing: EditedAudience | null;
  language: string;
  onOpen: (audience: SavedAudience) => void;
  /** Back to a new audience (the default spec). */
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const saved = useSavedAudiences();
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [drawer, setDrawer] = useState(false);
  const versions = useAudienceVersions(editing ? editing.id : null);
  const items = saved.data?.items ?? [];

  const open = async (audienceId: string) => {
    setLoading(true);
    setError(null);
    try {
      onOpen(await fetchAudience(audienceId));
      setDrawer(false);
      setPicked(undefined); // the alert above says what is open now
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('audience.open.title')}
      data-testid="open-saved"
      extra={
        editing ? (
          <Button size="small" icon={<HistoryOutlined />} onClick={() => setDrawer(true)} data-testid="versions-open">
            {t('audience.versions.button')}
          </Button>
        ) : null
      }
    >
      <Flex vertical gap={8}>
        {editing ? (
          <Alert
            type="info"
            showIcon
            role="status"
            data-testid="editing-audience"
            data-id={editing.id}
            data-version={editing.version}
            title={t('audience.open.editing', { name: editing.name, version: editing.version })}
            action={
              <Button size="small" onClick={onClose} data-testid="editing-close">
                {t('audience.open.close')}
              </Button>
            }
          />
        ) : (
          <Text type="secondary" style={{ fontSize: 12 }}>
            {t('audience.open.hint')}
          </Text>
        )}
        <Field htmlFor={id} label={t('audience.open.pick')}>
          <Flex gap={8}>
            <Select
              id={id}
              data-testid="open-pick"
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              loading={saved.isPending}
              placeholder={t('audience.open.placeholder')}
              value={picked}
              onChange={(value?: string) => setPicked(value)}
              options={items.map((item) => ({
                value: item.id,
                label: `${item.name} · ${t('audience.versions.tag', { version: item.version })} · ${formatCount(item.size, language)}`,
              }))}
              style={{ flex: 1, minWidth: 0 }}
            />
            <Button
              icon={<FolderOpenOutlined />}
              disabled={!picked}
              loading={loading}
              onClick={() => picked && void open(picked)}
              data-testid="open-submit"
            >
              {t('audience.open.submit')}
            </Button>
          </Flex>
        </Field>
        {error ? (
          <Alert type="error" showIcon role="alert" title={t('audience.open.failed')} description={errorMessage(error, t)} />
        ) : null}
      </Flex>
      <Drawer
        open={drawer}
        onClose={() => setDrawer(false)}
        size="large"
        title={editing ? t('audience.versions.title', { name: editing.name }) : undefined}
        data-testid="versions-drawer"
      >
        {versions.isError ? (
          <Alert type="error" showIcon title={t('audience.versions.failed')} description={errorMessage(versions.error, t)} />
        ) : null}
        <Table<AudienceVersion>
          rowKey="id"
          size="small"
          loading={versions.isPending}
          pagination={false}
          dataSource={versions.data ?? []}
          data-testid="versions-table"
          onRow={(row) => ({ 'data-testid': 'version-row', 'data-version': row.version }) as HTMLAttributes<HTMLElement>}
          columns={[
            {
              key: 'version',
              title: t('audience.versions.version'),
              render: (_, row) => (
                <Flex gap={4} align="center" style={{ whiteSpace: 'nowrap' }}>
                  <Text strong>{t('audience.versions.tag', { version: row.version })}</Text>
                  {editing && row.id === editing.id ? <Tag color="blue">{t('audience.versions.current')}</Tag> : null}
                </Flex>
              ),
            },
            { key: 'name', title: t('audience.versions.name'), dataIndex: 'name' },
            {
              key: 'size',
              title: t('audience.versions.size'),
              align: 'right',
              render: (_, row) => (
                <span data-testid="version-size" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatCount(row.size, language)}
                </span>
              ),
            },
            { key: 'reference', title: t('audience.versions.referenceDate'), render: (_, row) => formatDate(row.reference_date, language) },
            { key: 'created', title: t('audience.versions.createdAt'), render: (_, row) => formatDateTime(row.created_at, language) },
            { key: 'used', title: t('audience.versions.usedBy'), align: 'right', dataIndex: 'used_by_campaigns' },
            {
              key: 'open',
              title: '',
              render: (_, row) => (
                <Button
                  size="small"
                  disabled={editing?.id === row.id}
                  onClick={() => void open(row.id)}
                  data-testid="version-open"
                  aria-label={t('audience.versions.openOne', { version: row.version })}
                >
                  {t('audience.versions.open')}
                </Button>
              ),
            },
          ]}
        />
      </Drawer>
    </Card>
  );
}
