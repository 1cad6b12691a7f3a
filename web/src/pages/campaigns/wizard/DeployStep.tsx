import { RocketOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Progress, Result, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ApiError } from '../../../api/errors';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount, formatDate } from '../../../lib/format';
import { jobStageText } from '../../../lib/jobs';
import { CampaignError, type DeployPhase } from './api';
import { ConfirmDeployModal } from './ConfirmDeployModal';
import type { CampaignOut, DeployReport } from './types';

const { Paragraph, Text } = Typography;

function deliveryRows(report: DeployReport): number {
  return report.tables.fd_rb2_campaigns_users ?? Object.values(report.channels).reduce((sum, c) => sum + c.eligible, 0);
}

function failureTitle(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.status === 409) return t('campaign.deploy.conflict');
  if (error instanceof ApiError && error.status === 422) return t('campaign.deploy.invalid');
  return t('campaign.deploy.failed');
}

/** Step 5: the deploy itself — one transaction over the bank's tables, followed to its end. */
export function DeployStep({
  draft,
  phase,
  report,
  onDeploy,
  onEditDetails,
  onNewCampaign,
}: {
  draft: CampaignOut;
  phase: DeployPhase;
  /** The report once deployed (kept by the wizard, so that it survives a re-render of the step). */
  report: DeployReport | null;
  onDeploy: () => void;
  onEditDetails: () => void;
  onNewCampaign: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const count = (n: number) => formatCount(n, language);
  const [confirming, setConfirming] = useState(false);

  if (report)
    return (
      <Card data-testid="deploy-result" data-code={report.code}>
        <div data-testid="deploy-progress" data-percent={100}>
          <Progress percent={100} status="success" />
        </div>
        <Result
          status="success"
          title={t('campaign.deploy.doneTitle', { code: report.code })}
          subTitle={t('campaign.deploy.doneText', {
            target: count(report.target),
            control: count(report.control),
            delivery: count(deliveryRows(report)),
            start: formatDate(draft.start_date, language),
          })}
          extra={
            <Flex gap={16} align="center" justify="center" wrap>
              <Link to={`/campaigns/${report.code}`} data-testid="deploy-link">
                {t('campaign.deploy.open', { code: report.code })}
              </Link>
              <Button type="primary" onClick={onNewCampaign} data-testid="wizard-new">
                {t('campaign.deploy.newCampaign')}
              </Button>
            </Flex>
          }
        />
      </Card>
    );

  const running = phase.kind === 'starting' || phase.kind === 'job';
  const percent = phase.kind === 'job' ? Math.round(phase.progress * 100) : 0;
  const error = phase.kind === 'failed' ? phase.error : null;
  const hasFields = error instanceof CampaignError && Object.keys(error.fields).length > 0;

  return (
    <Card size="small" title={t('campaign.deploy.title')}>
      <Flex vertical gap={16}>
        <Paragraph style={{ margin: 0 }}>
          {t('campaign.deploy.intro', {
            code: draft.code,
            name: draft.name,
            target: count(draft.split?.target ?? draft.target_count),
            control: count(draft.split?.control ?? draft.control_count),
            start: formatDate(draft.start_date, language),
          })}
        </Paragraph>
        <Text type="secondary">{t('campaign.deploy.atomic')}</Text>
        {running ? (
          <div data-testid="deploy-progress" data-percent={percent} aria-live="polite">
            <Progress percent={percent} status="active" />
            <Text type="secondary">
              {phase.kind === 'job'
                ? (jobStageText(phase.stage, t) ?? t('campaign.deploy.jobRunning'))
                : t('campaign.deploy.starting')}
            </Text>
          </div>
        ) : null}
        {error ? (
          <Flex vertical gap={8}>
            <ErrorAlert title={failureTitle(error, t)} error={error} />
            {hasFields ? (
              <Alert
                type="info"
                showIcon
                role="status"
                title={t('campaign.deploy.fixDetails')}
                action={
                  <Button size="small" onClick={onEditDetails} data-testid="deploy-edit">
                    {t('campaign.deploy.editDetails')}
                  </Button>
                }
              />
            ) : null}
          </Flex>
        ) : null}
        <div>
          <Button
            type="primary"
            size="large"
            icon={<RocketOutlined />}
            loading={running}
            onClick={() => setConfirming(true)}
            data-testid="deploy-button"
          >
            {error ? t('campaign.deploy.retry') : t('campaign.deploy.button')}
          </Button>
        </div>
        <ConfirmDeployModal
          draft={draft}
          open={confirming}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onDeploy();
          }}
        />
      </Flex>
    </Card>
  );
}
