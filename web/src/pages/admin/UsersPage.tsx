import { DeleteOutlined, UserAddOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Popconfirm, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ROLES } from '../../auth/roles';
import { errorMessage } from '../../api/errors';
import type { Role } from '../../auth/session';
import { useCurrentUser } from '../../auth/useSession';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../lib/format';
import { AddUserModal } from './AddUserModal';
import { DeleteUserModal } from './DeleteUserModal';
import { RoleTag } from './RoleTag';
import { useUpdateUser, useUsers, type User } from './useUsers';

const { Title, Paragraph, Text } = Typography;

/** Admin → Users: who may sign in, with which role; add, change role, enable/disable, delete. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { message } = App.useApp();
  const me = useCurrentUser();
  const users = useUsers();
  const update = useUpdateUser();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [actionError, setActionError] = useState<{ username: string; text: string } | null>(null);

  const items = users.data?.items ?? [];
  // The API does not say which sign-in backend runs; users with a password mean the local one.
  // (An empty list cannot happen: the admin looking at it is on it.)
  const localBackend = items.length === 0 || items.some((user) => user.has_password);
  const busy = (username: string) => update.isPending && update.variables?.username === username;

  const change = async (user: User, changes: { role?: Role; enabled?: boolean }) => {
    setActionError(null);
    try {
      await update.mutateAsync({ username: user.username, ...changes });
      if (changes.role) void message.success(t('users.roleChanged', { username: user.username, role: t(`roles.${changes.role}`) }));
      else void message.success(t(changes.enabled ? 'users.enabled' : 'users.disabled', { username: user.username }));
    } catch (error) {
      setActionError({ username: user.username, text: errorMessage(error, t) });
    }
  };

  const columns: TableColumnsType<User> = [
    {
      title: t('users.col.username'),
      dataIndex: 'username',
      key: 'username',
      width: 220,
      render: (username: string, user) => (
        <Space size={6}>
          <Text strong={user.enabled} type={user.enabled ? undefined : 'secondary'} style={{ fontFamily: 'monospace' }}>
            {username}
          </Text>
          {username === me?.username ? <Tag color="blue">{t('users.you')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('users.col.displayName'),
      key: 'display_name',
      ellipsis: true,
      render: (_: unknown, user) => (
        <Flex vertical>
          <Text type={user.enabled ? undefined : 'secondary'}>{user.display_name || '—'}</Text>
          {user.email ? (
            <Text type="secondary" style={{ fontSize: 12 }}>
              {user.email}
            </Text>
          ) : null}
        </Flex>
      ),
    },
    {
      title: t('users.col.role'),
      dataIndex: 'role',
      key: 'role',
      width: 170,
      render: (role: Role, user) => (
        <Select<Role>
          aria-label={t('users.roleOf', { username: user.username })}
          data-testid={`role-${user.username}`}
          value={role}
          variant="borderless"
          style={{ width: 150, marginInlineStart: -8 }}
          loading={busy(user.username) && update.variables?.role !== undefined}
          disabled={busy(user.username)}
          options={ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
          labelRender={({ value }) => <RoleTag role={value as Role} />}
          onChange={(value) => void change(user, { role: value })}
        />
      ),
    },
    {
      title: t('users.col.enabled'),
      dataIndex: 'enabled',
      key: 'enabled',
      width: 100,
      render: (enabled: boolean, user) => (
        <Popconfirm
          title={t(enabled ? 'users.confirmDisable' : 'users.confirmEnable', { username: user.username })}
          description={t(enabled ? 'users.confirmDisableText' : 'users.confirmEnableText')}
          okText={t(enabled ? 'users.disable' : 'users.enable')}
          okButtonProps={{ danger: enabled }}
          cancelText={t('users.cancel')}
          onConfirm={() => change(user, { enabled: !enabled })}
        >
          {/* Controlled and without onChange: it flips only when the server says so. */}
          <Switch
            checked={enabled}
            loading={busy(user.username) && update.variables?.enabled !== undefined}
            aria-label={t('users.accessOf', { username: user.username })}
            data-testid={`enabled-${user.username}`}
          />
        </Popconfirm>
      ),
    },
    {
      title: t('users.col.lastLogin'),
      dataIndex: 'last_login_at',
      key: 'last_login_at',
      width: 170,
      render: (iso: string | null) => {
        const text = formatDateTime(iso, language);
        return text ? <span style={{ whiteSpace: 'nowrap' }}>{text}</span> : <Text type="secondary">{t('users.never')}</Text>;
      },
    },
    {
      key: 'actions',
      width: 64,
      align: 'center',
      render: (_: unknown, user) => (
        <Tooltip title={t('users.delete')}>
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={`${t('users.delete')} ${user.username}`}
            data-testid={`delete-${user.username}`}
            onClick={() => {
              setActionError(null);
              setDeleting(user.username);
            }}
          />
        </Tooltip>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ flex: '1 1 400px' }}>
          <Title level={3} style={{ marginTop: 0 }}>
            {t('users.title')}
          </Title>
          <Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('users.intro')}
          </Paragraph>
        </div>
        <Button type="primary" icon={<UserAddOutlined />} onClick={() => setAdding(true)}>
          {t('users.add')}
        </Button>
      </Flex>

      {users.isError ? (
        <ErrorAlert title={t('users.loadError')} error={users.error} onRetry={() => void users.refetch()} />
      ) : null}
      {actionError ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          closable={{ onClose: () => setActionError(null) }}
          title={t('users.actionError', { username: actionError.username })}
          description={actionError.text}
          data-testid="users-action-error"
        />
      ) : null}

      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<User>
          rowKey="username"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={users.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true, style: { marginInline: 16 } }}
          locale={{ emptyText: users.isError ? ' ' : undefined }}
          tableLayout="fixed"
          scroll={{ x: 860 }}
        />
      </Card>

      <AddUserModal open={adding} onClose={() => setAdding(false)} localBackend={localBackend} />
      <DeleteUserModal username={deleting} onClose={() => setDeleting(null)} />
    </Space>
  );
}
