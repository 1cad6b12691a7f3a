import { Alert, Card, Skeleton, Space, Typography } from 'antd';
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { useHasRole } from '../../auth/useSession';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { UploadReport } from './types';
import { UploadPanel } from './UploadPanel';
import { UploadReportView } from './UploadReportView';
import { UploadsTable } from './UploadsTable';
import { useUploadFlow, useUploadReport } from './useUploads';

const { Title, Paragraph } = Typography;

/** The query parameter holding the upload whose report is shown, so that a report has an address. */
const SELECTED = 'upload';

/**
 * Uploads: send an IIN list (CSV, Excel, Parquet) and read its validation report; the list of
 * uploads (own, or everyone's for an admin) with their reports, and delete.
 */
export function UploadsPage() {
  const { t } = useTranslation();
  const canUpload = useHasRole('analyst');
  const isAdmin = useHasRole('admin');
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = searchParams.get(SELECTED);
  // A rejected file has no id (nothing was stored): its report is shown from the answer itself.
  const [rejected, setRejected] = useState<UploadReport | null>(null);
  const reportRef = useRef<HTMLDivElement>(null);

  const select = useCallback(
    (id: string | null) => {
      setSearchParams(
        (params) => {
          const next = new URLSearchParams(params);
          if (id) next.set(SELECTED, id);
          else next.delete(SELECTED);
          return next;
        },
        { replace: false },
      );
    },
    [setSearchParams],
  );

  const handlers = useMemo(
    () => ({
      onReport: (report: UploadReport) => {
        setRejected(null);
        select(report.id);
      },
      onRejected: (report: UploadReport) => {
        setRejected(report);
        select(null);
      },
    }),
    [select],
  );
  const flow = useUploadFlow(handlers);
  const selected = useUploadReport(rejected ? null : selectedId);

  const open = (id: string) => {
    setRejected(null);
    select(id);
    // The report is above the list: bring it into view.
    requestAnimationFrame(() => reportRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'start' }));
  };
  const close = () => {
    setRejected(null);
    select(null);
  };

  let report: ReactNode = null;
  if (rejected) report = <UploadReportView report={rejected} onClose={close} />;
  else if (selectedId && selected.data) report = <UploadReportView report={selected.data} onClose={close} />;
  else if (selectedId && selected.isError)
    report = (
      <ErrorAlert title={t('uploads.report.loadError')} error={selected.error} onRetry={() => void selected.refetch()} />
    );
  else if (selectedId)
    report = (
      <Card>
        <Skeleton active />
      </Card>
    );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('uploads.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0, maxWidth: 900 }}>
          {t('uploads.intro')}
        </Paragraph>
      </div>

      {canUpload ? <UploadPanel flow={flow} /> : <Alert type="info" showIcon title={t('uploads.readOnly')} />}

      {report ? (
        <div ref={reportRef} style={{ scrollMarginTop: 16 }}>
          {report}
        </div>
      ) : null}

      <UploadsTable
        selectedId={rejected ? null : selectedId}
        onOpen={open}
        onDeleted={(id) => {
          if (id === selectedId) select(null);
        }}
        canDelete={canUpload}
        everyone={isAdmin}
      />
    </Space>
  );
}
