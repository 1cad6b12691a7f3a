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
import { leadOf } from '../theories/api';
import { CampaignError, type DeployPhase } from './api';
import { ArmsReport } from './ArmsReport';
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
      <Flex vertical gap={16}>
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
        <ArmsReport report={report} />
      </Flex>
    );

  // An arm of an A/B/n experiment is written by its lead's deploy, never alone.
  const lead = leadOf(draft);
  if (lead) {
    const arm = draft.arms?.arms.find((a) => a.code === draft.code)?.name ?? draft.arm ?? '';
    return (
      <Card size="small" title={t('campaign.deploy.title')} data-testid="deploy-arm-note">
        <Alert
          type="info"
          showIcon
          title={t('campaign.deploy.armTitle')}
          description={
            <Flex vertical gap={8} align="flex-start">
              <span>{t('campaign.deploy.armText', { code: draft.code, arm, lead })}</span>
              <Link to={`/campaigns/${encodeURIComponent(lead)}`} data-testid="deploy-open-lead">
                {t('campaign.deploy.openLead', { code: lead })}
              </Link>
            </Flex>
          }
        />
      </Card>
    );
  }
  const arms = draft.arms?.arms ?? [];
  const armCodes = arms.flatMap((a) => (a.code ? [a.code] : []));
  // A lead with some arm campaigns deploys only with all of them (the server answers arms_missing).
  const missing = armCodes.length > 1 ? arms.filter((a) => a.code === null).map((a) => a.name) : [];

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
        {armCodes.length > 1 ? (
          <Text data-testid="deploy-experiment">{t('campaign.deploy.experiment', { codes: armCodes.join(', ') })}</Text>
        ) : null}
        <Text type="secondary">{t('campaign.deploy.atomic')}</Text>
        {missing.length ? (
          <Alert
            type="warning"
            showIcon
            data-testid="deploy-arms-missing"
            title={t('campaign.deploy.armsMissing', { arms: missing.join(', ') })}
            action={
              <Link to={`/campaigns/${encodeURIComponent(draft.code)}`}>{t('campaign.deploy.openCampaign')}</Link>
            }
          />
        ) : null}
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
            disabled={missing.length > 0}
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
