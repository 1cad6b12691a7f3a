import { Navigate, type RouteObject } from 'react-router';

import { DatasetsPage } from '../pages/datasets/DatasetsPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { UnderConstructionPage } from '../pages/UnderConstructionPage';
import { AppLayout } from './AppLayout';

export const routes: RouteObject[] = [
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to="/datasets" replace /> },
      { path: 'campaigns/new', element: <UnderConstructionPage section="campaignManager" /> },
      { path: 'campaigns', element: <UnderConstructionPage section="activeTheories" /> },
      { path: 'uploads', element: <UnderConstructionPage section="uploads" /> },
      { path: 'query', element: <UnderConstructionPage section="queryBuilder" /> },
      { path: 'datasets', element: <DatasetsPage /> },
      { path: 'monitoring', element: <UnderConstructionPage section="monitoring" /> },
      { path: 'admin', element: <Navigate to="/admin/users" replace /> },
      { path: 'admin/users', element: <UnderConstructionPage section="users" /> },
      { path: 'admin/audit', element: <UnderConstructionPage section="audit" /> },
      { path: 'admin/reference', element: <UnderConstructionPage section="reference" /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
