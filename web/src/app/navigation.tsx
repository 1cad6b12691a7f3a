import {
  AuditOutlined,
  ApiOutlined,
  BookOutlined,
  BulbOutlined,
  CloudUploadOutlined,
  ConsoleSqlOutlined,
  ControlOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  RocketOutlined,
  SettingOutlined,
  ShareAltOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';

import type { Role } from '../auth/session';
import type { Messages } from '../i18n/ru';

export type NavLabel = keyof Messages['nav'];

export interface NavLeaf {
  path: string;
  label: NavLabel;
  icon: ReactNode;
  /** The least role that may open the page; below it the item is disabled and the page says so. */
  minRole?: Role;
}

export interface NavGroup {
  key: string;
  label: NavLabel;
  icon: ReactNode;
  children: NavLeaf[];
  /** The least role that may see the group at all (its pages inherit it); hidden below it. */
  minRole?: Role;
}

export type NavEntry = NavLeaf | NavGroup;

/** The navigation of the whole product, in menu order. */
export const NAVIGATION: NavEntry[] = [
  { path: '/campaigns/new', label: 'campaignManager', icon: <RocketOutlined />, minRole: 'analyst' },
  { path: '/campaigns', label: 'activeTheories', icon: <BulbOutlined /> },
  { path: '/uploads', label: 'uploads', icon: <CloudUploadOutlined />, minRole: 'analyst' },
  { path: '/query', label: 'queryBuilder', icon: <ConsoleSqlOutlined /> },
  { path: '/datasets', label: 'datasets', icon: <DatabaseOutlined /> },
  {
    key: 'monitoring-group',
    label: 'monitoring',
    icon: <DashboardOutlined />,
    minRole: 'analyst',
    children: [
      { path: '/monitoring', label: 'monitoringOverview', icon: <DashboardOutlined /> },
      { path: '/monitoring/distribution', label: 'distribution', icon: <ShareAltOutlined /> },
    ],
  },
  {
    key: '/admin',
    label: 'admin',
    icon: <SettingOutlined />,
    minRole: 'admin',
    children: [
      { path: '/admin/users', label: 'users', icon: <TeamOutlined /> },
      { path: '/admin/audit', label: 'audit', icon: <AuditOutlined /> },
      { path: '/admin/reference', label: 'reference', icon: <BookOutlined /> },
      { path: '/admin/settings', label: 'settings', icon: <ControlOutlined /> },
      { path: '/admin/data-sources', label: 'dataSources', icon: <ApiOutlined /> },
    ],
  },
];

export function isGroup(entry: NavEntry): entry is NavGroup {
  return 'children' in entry;
}

export const NAV_LEAVES: NavLeaf[] = NAVIGATION.flatMap((entry) => (isGroup(entry) ? entry.children : [entry]));

/**
 * The menu item for a location: the leaf whose path is the longest prefix of it, so that
 * `/campaigns/C000012345` highlights Active Theories and `/campaigns/new` the Campaign Manager.
 */
export function activeLeaf(pathname: string): NavLeaf | undefined {
  return NAV_LEAVES.filter((leaf) => pathname === leaf.path || pathname.startsWith(`${leaf.path}/`)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
}

/** The group that holds a leaf, if any. */
export function groupOf(leaf: NavLeaf | undefined): NavGroup | undefined {
  if (!leaf) return undefined;
  return NAVIGATION.filter(isGroup).find((group) => group.children.includes(leaf));
}

/** The least role that may open a location, from the navigation: its leaf's, else its group's. */
export function requiredRole(pathname: string): Role | undefined {
  const leaf = activeLeaf(pathname);
  return leaf?.minRole ?? groupOf(leaf)?.minRole;
}
