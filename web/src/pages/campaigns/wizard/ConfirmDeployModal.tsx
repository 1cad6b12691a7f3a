import { Alert, type ButtonProps, Descriptions, Input, Modal, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount } from '../../../lib/format';
import { useDryRun } from './api';
import type { CampaignOut } from './types';

const { Paragraph, Text } = Typography;

/** The tables a deploy writes, in the order it writes them. */
const TABLES = [
  'mb01_camp_dict',
  'mb22_local_target',
  'mb21_local_control',
  'fd_rb2_campaigns_users',
  'off_limit_campaigns_users',
  'fd_rb2_pop_up_campaign',
  'rb3_tr_campaign_dict',
] as const;

/**
 * The last gate before the bank's tables: what the deploy will write (a dry run of the draft as
 * it is now), and the campaign's code typed by hand to confirm.
 */
export function ConfirmDeployModal({
  draft,
  open,
  onConfirm,
  onCancel,
}: {
  draft: CampaignOut;
  open: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const count = (n: number) => formatCount(n, language);
  const [typed, setTyped] = useState('');
  const dryRun = useDryRun(open ? draft : null);
  const report = dryRun.data;
  const confirmed = typed.trim().toUpperCase() === draft.code;

  return (
    <Modal
      open={open}
      title={t('campaign.deploy.confirmTitle', { code: draft.code })}
      okText={t('campaign.deploy.confirmOk')}
      cancelText={t('campaign.deploy.confirmCancel')}
      okButtonProps={{ danger: true, disabled: !confirmed || !report, 'data-testid': 'deploy-confirm-ok' } as ButtonProps}
      onOk={() => {
        setTyped('');
        onConfirm();
      }}
      onCancel={() => {
        setTyped('');
        onCancel();
      }}
      destroyOnHidden
      data-testid="deploy-confirm"
    >
      <Paragraph>{t('campaign.deploy.confirmIntro', { name: draft.name })}</Paragraph>
      {dryRun.isPending ? <Skeleton active paragraph={{ rows: 4 }} /> : null}
      {dryRun.isError ? <ErrorAlert title={t('campaign.review.dryRunFailed')} error={dryRun.error} /> : null}
      {report?.arms?.length ? (
        <Paragraph data-testid="deploy-confirm-arms">
          {t('campaign.deploy.experiment', { codes: report.arms.map((arm) => `${arm.code} (${arm.name})`).join(', ') })}
        </Paragraph>
      ) : null}
      {report ? (
        <>
          <Descriptions
            size="small"
            column={1}
            bordered
            title={t('campaign.deploy.confirmTables')}
            data-testid="deploy-confirm-tables"
            items={TABLES.filter((table) => (report.tables[table] ?? 0) > 0).map((table) => ({
              key: table,
              label: <Text code>{table}</Text>,
              children: count(report.tables[table] ?? 0),
            }))}
          />
          {Object.keys(report.channels).length ? (
            <Descriptions
              size="small"
              column={1}
              style={{ marginTop: 12 }}
              title={t('campaign.deploy.confirmDropouts')}
              data-testid="deploy-confirm-dropouts"
              items={Object.entries(report.channels).map(([channel, c]) => ({
                key: channel,
                label: t(`campaign.channels.${channel}`, { defaultValue: channel }),
                children: t('campaign.deploy.confirmChannel', {
                  eligible: count(c.eligible),
                  dropped: count(c.dropped),
                }),
              }))}
            />
          ) : null}
        </>
      ) : null}
      <Alert type="warning" role="note" showIcon style={{ margin: '12px 0' }} title={t('campaign.deploy.confirmWarning')} />
      <label>
        <Text>{t('campaign.deploy.confirmType', { code: draft.code })}</Text>
        <Input
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          placeholder={draft.code}
          autoComplete="off"
          data-testid="deploy-confirm-code"
          style={{ marginTop: 4 }}
        />
      </label>
    </Modal>
  );
}
