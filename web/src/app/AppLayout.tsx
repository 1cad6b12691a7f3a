import { Layout, Menu, Tooltip, Typography, theme } from 'antd';
import type { MenuProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';

import { roleAllows } from '../auth/roles';
import { RoleGuard } from '../auth/RoleGuard';
import { UserMenu } from '../auth/UserMenu';
import { useCurrentUser } from '../auth/useSession';
import { HealthBadge } from '../components/HealthBadge';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { activeLeaf, groupOf, isGroup, NAVIGATION, requiredRole, type NavLeaf } from './navigation';

const { Header, Sider, Content } = Layout;
const HEADER_HEIGHT = 64;

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

  const role = useCurrentUser()?.role;
  const items: MenuProps['items'] = useMemo(() => {
    // A page the role may not open stays in the menu, disabled, saying which role it needs;
    // a whole group the role may not see (Admin) is left out.
    const leafItem = (leaf: NavLeaf) =>
      roleAllows(role, leaf.minRole)
        ? { key: leaf.path, icon: leaf.icon, label: <Link to={leaf.path}>{t(`nav.${leaf.label}`)}</Link> }
        : {
            key: leaf.path,
            icon: leaf.icon,
            disabled: true,
            label: (
              <Tooltip title={t('roleRequired', { role: t(`roles.${leaf.minRole}`) })} placement="right">
                <span data-testid={`nav-locked-${leaf.label}`}>{t(`nav.${leaf.label}`)}</span>
              </Tooltip>
            ),
          };
    return NAVIGATION.filter((entry) => !isGroup(entry) || roleAllows(role, entry.minRole)).map((entry) =>
      isGroup(entry)
        ? { key: entry.key, icon: entry.icon, label: t(`nav.${entry.label}`), children: entry.children.map(leafItem) }
        : leafItem(entry),
    );
  }, [t, role]);

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
          height: HEADER_HEIGHT,
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
        <UserMenu />
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
          // The menu stays in place while a long page scrolls (below the sticky header).
          style={{
            borderRight: `1px solid ${token.colorBorderSecondary}`,
            position: 'sticky',
            top: HEADER_HEIGHT,
            height: `calc(100vh - ${HEADER_HEIGHT}px)`,
            overflowY: 'auto',
          }}
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
          {/* Pages the role may not open say so (the navigation knows each page's role). */}
          <RoleGuard minRole={requiredRole(pathname)}>
            <Outlet />
          </RoleGuard>
        </Content>
      </Layout>
    </Layout>
  );
}
