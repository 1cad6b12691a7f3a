import { LogoutOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Dropdown, Flex, Tag, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { ROLE_COLORS } from './roles';
import { session } from './session';
import { useCurrentUser } from './useSession';

/** The header's user menu: who is signed in, with which role, and "Выйти". */
export function UserMenu() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useCurrentUser();
  if (!user) return null;

  const name = user.display_name || user.username;
  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      style: { cursor: 'default' },
      label: (
        <Flex vertical style={{ minWidth: 180 }}>
          <Typography.Text strong>{name}</Typography.Text>
          {user.display_name ? <Typography.Text type="secondary">{user.username}</Typography.Text> : null}
          <Typography.Text type="secondary">{t('userMenu.role', { role: t(`roles.${user.role}`) })}</Typography.Text>
        </Flex>
      ),
    },
    { type: 'divider' },
    { key: 'profile', icon: <SettingOutlined />, label: t('userMenu.profile') },
    { key: 'signOut', icon: <LogoutOutlined />, label: t('userMenu.signOut'), danger: true },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'profile') {
      void navigate('/profile');
      return;
    }
    if (key !== 'signOut') return;
    void session.signOut().finally(() => void navigate('/login', { replace: true }));
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
      <Button type="text" aria-label={t('userMenu.label')} data-testid="user-menu" style={{ height: 40, paddingInline: 8 }}>
        <Flex align="center" gap={8}>
          <Avatar size="small" icon={<UserOutlined />} />
          <Typography.Text data-testid="user-name" style={{ maxWidth: 200 }} ellipsis>
            {name}
          </Typography.Text>
          <Tag color={ROLE_COLORS[user.role]} data-testid="user-role" style={{ marginInlineEnd: 0 }}>
            {t(`roles.${user.role}`)}
          </Tag>
        </Flex>
      </Button>
    </Dropdown>
  );
}
