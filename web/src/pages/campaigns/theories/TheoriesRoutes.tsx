import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';

// Active Theories (and their charts) load when opened, not with the app.
const TheoriesPage = lazy(() => import('./TheoriesPage').then((m) => ({ default: m.TheoriesPage })));
const CampaignDetailPage = lazy(() => import('./CampaignDetailPage').then((m) => ({ default: m.CampaignDetailPage })));

export function TheoriesRoute() {
  return (
    <Suspense fallback={<Skeleton active paragraph={{ rows: 10 }} />}>
      <TheoriesPage />
    </Suspense>
  );
}

export function CampaignDetailRoute() {
  return (
    <Suspense fallback={<Skeleton active paragraph={{ rows: 10 }} />}>
      <CampaignDetailPage />
    </Suspense>
  );
}
