import { Navigate, type RouteObject } from 'react-router';

import { RequireAuth } from '../auth/RequireAuth';
import { AuditPage } from '../pages/admin/AuditPage';
import { UsersPage } from '../pages/admin/UsersPage';
import { LoginPage } from '../pages/auth/LoginPage';
import { CampaignNewRoute } from '../pages/campaigns/CampaignNewRoute';
import { CampaignDetailRoute, TheoriesRoute } from '../pages/campaigns/theories/TheoriesRoutes';
import { DatasetsPage } from '../pages/datasets/DatasetsPage';
import { DistributionPage } from '../pages/monitoring/DistributionPage';
import { ProfilePage } from '../pages/profile/ProfilePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { UnderConstructionPage } from '../pages/UnderConstructionPage';
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
      { path: 'query', element: <UnderConstructionPage section="queryBuilder" /> },
      { path: 'datasets', element: <DatasetsPage /> },
      { path: 'monitoring', element: <UnderConstructionPage section="monitoring" /> },
      { path: 'monitoring/distribution', element: <DistributionPage /> },
      { path: 'profile', element: <ProfilePage /> },
      { path: 'admin', element: <Navigate to="/admin/users" replace /> },
      { path: 'admin/users', element: <UsersPage /> },
      { path: 'admin/audit', element: <AuditPage /> },
      { path: 'admin/reference', element: <UnderConstructionPage section="reference" /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
