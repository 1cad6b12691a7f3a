import { Alert, App, Button, Flex, Modal, Progress, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { formatCount } from '../../../lib/format';
import { jobStageText, type Job } from '../../../lib/jobs';
import { downloadExport, type Campaign, type ExportFormat, type ExportGroup } from './api';

const { Text } = Typography;

const FORMATS: readonly ExportFormat[] = ['xlsx', 'csv', 'parquet'];
const GROUPS: readonly ExportGroup[] = ['all', 'target', 'control'];

/** The members as a file: a format and the groups; the server streams it, the browser saves it. */
export function ExportModal({ campaign, open, onClose }: { campaign: Campaign; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { message } = App.useApp();
  const [format, setFormat] = useState<ExportFormat>('xlsx');
  const [group, setGroup] = useState<ExportGroup>('all');
  const [busy, setBusy] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);

  const sizes: Record<ExportGroup, number> = {
    all: campaign.target_count + campaign.control_count,
    target: campaign.target_count,
    control: campaign.control_count,
  };

  const close = () => {
    setError(null);
    onClose();
  };

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const filename = await downloadExport(campaign.code, format, group, setJob);
      void message.success(t('theories.exportModal.saved', { filename }));
      close();
    } catch (caught) {
      setError(errorMessage(caught, t));
    } finally {
      setBusy(false);
      setJob(null);
    }
  };

  const formatLabel = (value: ExportFormat) =>
    value === 'xlsx' ? t('theories.exportModal.xlsx') : value === 'csv' ? 'CSV' : 'Parquet';

  return (
    <Modal
      open={open}
      title={t('theories.exportModal.title', { code: campaign.code })}
      onCancel={close}
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={close}>{t('theories.exportModal.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => void run()} data-testid="export-confirm">
            {t('theories.exportModal.ok')}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={16}>
        {error ? <Alert type="error" showIcon title={t('theories.exportModal.failed')} description={error} role="alert" /> : null}
        <Flex vertical gap={6}>
          <Text strong>{t('theories.exportModal.format')}</Text>
          <Radio.Group
            optionType="button"
            value={format}
            onChange={(event) => setFormat(event.target.value as ExportFormat)}
            aria-label={t('theories.exportModal.format')}
            options={FORMATS.map((value) => ({ value, label: formatLabel(value) }))}
          />
        </Flex>
        <Flex vertical gap={6}>
          <Text strong>{t('theories.exportModal.group')}</Text>
          <Radio.Group
            optionType="button"
            value={group}
            onChange={(event) => setGroup(event.target.value as ExportGroup)}
            aria-label={t('theories.exportModal.group')}
            options={GROUPS.map((value) => ({
              value,
              label: `${t(`theories.exportModal.${value}`)} · ${formatCount(sizes[value], language)}`,
            }))}
          />
        </Flex>
        <Text type="secondary" style={{ fontSize: 12 }}>
          {t('theories.exportModal.hint')}
        </Text>
        {job ? (
          <div data-testid="export-progress" data-percent={Math.round(job.progress * 100)}>
            <Progress percent={Math.round(job.progress * 100)} status="active" />
            <Text type="secondary">{jobStageText(job.stage, t)}</Text>
          </div>
        ) : null}
      </Flex>
    </Modal>
  );
}
