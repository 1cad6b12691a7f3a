import { Navigate, type RouteObject } from 'react-router';

import { RequireAuth } from '../auth/RequireAuth';
import { AuditPage } from '../pages/admin/AuditPage';
import { DataSourcesPage } from '../pages/admin/datasources/DataSourcesPage';
import { ReferencePage } from '../pages/admin/reference/ReferencePage';
import { SettingsPage } from '../pages/admin/SettingsPage';
import { UsersPage } from '../pages/admin/UsersPage';
import { LoginPage } from '../pages/auth/LoginPage';
import { CampaignNewRoute } from '../pages/campaigns/CampaignNewRoute';
import { CampaignDetailRoute, TheoriesRoute } from '../pages/campaigns/theories/TheoriesRoutes';
import { DatasetsPage } from '../pages/datasets/DatasetsPage';
import { DistributionPage } from '../pages/monitoring/DistributionPage';
import { MonitoringPage } from '../pages/monitoring/MonitoringPage';
import { ProfilePage } from '../pages/profile/ProfilePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { QueryBuilderPage } from '../pages/query/QueryBuilderPage';
import { ViewerPage } from '../pages/query/ViewerPage';
import { UploadsPage } from '../pages/uploads/UploadsPage';
import { AppLayout } from './AppLayout';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    // Every page but /login needs a session; pages also need the role the navigation gives them.
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/datasets" replace /> },
      { path: 'campaigns/new', element: <CampaignNewRoute /> },
      { path: 'campaigns', element: <TheoriesRoute /> },
      { path: 'campaigns/:code', element: <CampaignDetailRoute /> },
      { path: 'uploads', element: <UploadsPage /> },
      { path: 'query', element: <QueryBuilderPage /> },
      { path: 'datasets', element: <DatasetsPage /> },
      { path: 'datasets/:name', element: <ViewerPage /> },
      { path: 'monitoring', element: <MonitoringPage /> },
      { path: 'monitoring/distribution', element: <DistributionPage /> },
      { path: 'profile', element: <ProfilePage /> },
      { path: 'admin', element: <Navigate to="/admin/users" replace /> },
      { path: 'admin/users', element: <UsersPage /> },
      { path: 'admin/audit', element: <AuditPage /> },
      { path: 'admin/reference', element: <ReferencePage /> },
      { path: 'admin/data-sources', element: <DataSourcesPage /> },
      { path: 'admin/settings', element: <SettingsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
