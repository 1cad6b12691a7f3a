import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';

// The builder (and its charts) load when the Campaign Manager is opened, not with the app.
const CampaignNewPage = lazy(() => import('./CampaignNewPage').then((m) => ({ default: m.CampaignNewPage })));

export function CampaignNewRoute() {
  return (
    <Suspense fallback={<Skeleton active paragraph={{ rows: 10 }} />}>
      <CampaignNewPage />
    </Suspense>
  );
}
