import { UserOutlined } from '@ant-design/icons';
import { Avatar, Layout, Menu, Space, Tooltip, Typography, theme } from 'antd';
import type { MenuProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';

import { HealthBadge } from '../components/HealthBadge';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { activeLeaf, groupOf, isGroup, NAVIGATION } from './navigation';

const { Header, Sider, Content } = Layout;

/** The shell around every page: header, the product's navigation on the left, the page on the right. */
export function AppLayout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const { token } = theme.useToken();
  const [collapsed, setCollapsed] = useState(false);

  const leaf = activeLeaf(pathname);
  const group = groupOf(leaf);
  const [openKeys, setOpenKeys] = useState<string[]>(group ? [group.key] : []);

  // Open the group of the current page when one navigates into it (e.g. by a link), adjusting
  // state during render rather than in an effect (react.dev: "you might not need an effect").
  const groupKey = group?.key;
  const [shownGroupKey, setShownGroupKey] = useState(groupKey);
  if (groupKey !== shownGroupKey) {
    setShownGroupKey(groupKey);
    if (groupKey && !openKeys.includes(groupKey)) setOpenKeys([...openKeys, groupKey]);
  }

  useEffect(() => {
    const page = leaf ? t(`nav.${leaf.label}`) : null;
    document.title = page ? `${page} · DataQuery Pro` : 'DataQuery Pro';
  }, [leaf, t]);

  const items: MenuProps['items'] = useMemo(
    () =>
      NAVIGATION.map((entry) =>
        isGroup(entry)
          ? {
              key: entry.key,
              icon: entry.icon,
              label: t(`nav.${entry.label}`),
              children: entry.children.map((child) => ({
                key: child.path,
                icon: child.icon,
                label: <Link to={child.path}>{t(`nav.${child.label}`)}</Link>,
              })),
            }
          : { key: entry.path, icon: entry.icon, label: <Link to={entry.path}>{t(`nav.${entry.label}`)}</Link> },
      ),
    [t],
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 24,
          paddingInline: 24,
          background: token.colorBgContainer,
          borderBottom: `1px solid ${token.colorBorderSecondary}`,
          position: 'sticky',
          top: 0,
          zIndex: 10,
        }}
      >
        <Link to="/" style={{ display: 'flex', alignItems: 'center', gap: 10, color: token.colorText }}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <Typography.Text strong style={{ fontSize: 18, whiteSpace: 'nowrap' }}>
            {t('app.name')}
          </Typography.Text>
        </Link>
        <div style={{ flex: 1 }} />
        <HealthBadge />
        <LanguageSwitch />
        <Tooltip title={t('header.userMenu')} placement="bottomRight">
          {/* Placeholder for the user menu: sign-in arrives with the next issue. */}
          <Space data-testid="user-menu" style={{ cursor: 'default' }}>
            <Avatar size="small" icon={<UserOutlined />} />
            <Typography.Text type="secondary">{t('header.guest')}</Typography.Text>
          </Space>
        </Tooltip>
      </Header>
      <Layout>
        <Sider
          width={248}
          theme="light"
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          // Below 1200 px the menu folds to icons so that tables keep their room.
          breakpoint="xl"
          style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}
        >
          <nav aria-label={t('app.name')} data-testid="sidebar">
            <Menu
              mode="inline"
              selectedKeys={leaf ? [leaf.path] : []}
              openKeys={collapsed ? undefined : openKeys}
              onOpenChange={setOpenKeys}
              items={items}
              style={{ borderInlineEnd: 'none', paddingTop: 8 }}
            />
          </nav>
        </Sider>
        <Content style={{ padding: 24, minWidth: 0 }}>
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
