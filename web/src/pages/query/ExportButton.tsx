import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Dropdown } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../api/errors';
import { type ExportFormat, type QuerySpec, downloadQueryExport } from './api';

const FORMATS: ExportFormat[] = ['xlsx', 'csv', 'parquet'];

/** Export the rows a spec selects (a query's result, or the viewer's filtered table). */
export function ExportButton({ spec, disabled }: { spec: QuerySpec | null; disabled?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (format: ExportFormat) => {
    if (!spec) return;
    setBusy(t('query.exporting'));
    try {
      await downloadQueryExport(spec, format, (job) =>
        setBusy(t('query.exportProgress', { percent: Math.round((job.progress ?? 0) * 100) })),
      );
    } catch (error) {
      void message.error(errorMessage(error, t));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Dropdown
      disabled={disabled || !spec || busy !== null}
      menu={{
        items: FORMATS.map((format) => ({ key: format, label: t(`query.format.${format}`) })),
        onClick: ({ key }) => void run(key as ExportFormat),
      }}
    >
      <Button icon={<DownloadOutlined />} loading={busy !== null} data-testid="export-button">
        {busy ?? t('query.export')}
      </Button>
    </Dropdown>
  );
}
