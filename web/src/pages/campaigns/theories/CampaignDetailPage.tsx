import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Flex, Result, Row, Skeleton, Space, Switch, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';

import { ApiError, errorMessage } from '../../../api/errors';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatDate, formatDateTime, formatShare } from '../../../lib/format';
import { useCampaignOverlap } from '../audience/api';
import { OverlapView } from '../audience/ReachOverlap';
import { useCurrentBalance } from '../experiment/api';
import { BalanceProofView, type ExperimentOut } from '../experiment/BalanceProofView';
import { EffectView } from '../experiment/EffectView';
import { warningText } from '../wizard/messages';
import { leadOf, useCampaign, useCampaignJira, useCampaignStats, useSetPoolShare, useStreams, type Campaign } from './api';
import { ArmsCard } from './ArmsCard';
import { CampaignActions } from './CampaignActions';
import { CampaignStatsView } from './CampaignStatsView';
import { channelName, TYPE_COLORS } from './status';
import { HistoryTimeline } from './HistoryTimeline';
import { TextsCard } from './TextsCard';
import { StatusTag } from './StatusTag';

const { Title, Text, Paragraph } = Typography;

/** The campaign's JIRA issue, or why it is not in sync (retried after each deploy or status). */
function JiraState({ code }: { code: string }) {
  const { t } = useTranslation();
  const jira = useCampaignJira(code);
  const state = jira.data;
  if (!state) return <Text type="secondary">—</Text>;
  if (!state.configured) return <Text type="secondary">{t('jira.off')}</Text>;
  if (!state.state) return <Text type="secondary">{t('jira.none')}</Text>;
  return (
    <Space size={4} wrap data-testid="detail-jira" data-state={state.state}>
      {state.issue_key && state.issue_url ? (
        <a href={state.issue_url} target="_blank" rel="noreferrer">
          {state.issue_key}
        </a>
      ) : null}
      {state.state === 'failed' ? (
        <Tooltip title={state.last_error}>
          <Tag color="error">{t('jira.failed', { attempts: state.attempts })}</Tag>
        </Tooltip>
      ) : (
        <Tag color="success">{t('jira.synced')}</Tag>
      )}
    </Space>
  );
}

/** The daily pool switch: editable by whoever may change the campaign, while it is not over. */
function PoolShareSwitch({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const change = useSetPoolShare();
  const editable = campaign.can_edit && !['finished', 'cancelled'].includes(campaign.status);
  return (
    <Tooltip title={t('poolShare.help')}>
      <Space>
        <Switch
          size="small"
          checked={campaign.pool_share}
          disabled={!editable}
          loading={change.isPending}
          data-testid="detail-pool-share"
          aria-label={t('poolShare.label')}
          onChange={(pool_share) =>
            change.mutate(
              { code: campaign.code, pool_share },
              {
                onSuccess: () => void message.success(t('poolShare.saved')),
                onError: (error) => void message.error(errorMessage(error, t)),
              },
            )
          }
        />
        <Text type={campaign.pool_share ? undefined : 'secondary'}>{t(campaign.pool_share ? 'poolShare.on' : 'poolShare.off')}</Text>
      </Space>
    </Tooltip>
  );
}

function Header({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const streams = useStreams();
  const stream = streams.data?.find((s) => s.code === campaign.stream);
  const monospace = { fontFamily: 'monospace' } as const;

  const items = [
    {
      key: 'stream',
      label: t('theories.detail.stream'),
      children: (
        <span data-testid="detail-stream">
          {stream ? `${stream.name_ru} (${stream.code})` : campaign.stream}
        </span>
      ),
    },
    {
      key: 'channels',
      label: t('theories.detail.channels'),
      children: (
        <Flex wrap gap={4}>
          {campaign.channels.map((channel) => (
            <Tag key={channel} style={{ marginInlineEnd: 0 }}>
              {channelName(channel, t)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: 'period',
      label: t('theories.detail.period'),
      children: (
        <span style={{ whiteSpace: 'nowrap' }} data-testid="detail-period">
          {formatDate(campaign.start_date, language)} – {formatDate(campaign.end_date, language)}
        </span>
      ),
    },
    {
      key: 'owner',
      label: t('theories.detail.owner'),
      children: (
        <span style={monospace} data-testid="detail-owner">
          {campaign.owner}
        </span>
      ),
    },
    { key: 'created', label: t('theories.detail.created'), children: formatDateTime(campaign.created_at, language) ?? '—' },
    {
      key: 'deployed',
      label: t('theories.detail.deployed'),
      children: formatDateTime(campaign.deployed_at, language) ?? <Text type="secondary">{t('theories.detail.notDeployed')}</Text>,
    },
    { key: 'share', label: t('theories.detail.controlShare'), children: formatShare(campaign.control_share, language) },
  ];
  if (campaign.xls_ow_id)
    items.push({ key: 'xls', label: t('theories.detail.xlsOwId'), children: <span style={monospace}>{campaign.xls_ow_id}</span> });
  if (campaign.copied_from)
    items.push({
      key: 'copied',
      label: t('theories.detail.copiedFrom'),
      children: (
        <Link to={`/campaigns/${encodeURIComponent(campaign.copied_from)}`} style={monospace}>
          {campaign.copied_from}
        </Link>
      ),
    });
  if (campaign.product_code)
    items.push({ key: 'product', label: t('theories.detail.product'), children: <span style={monospace}>{campaign.product_code}</span> });
  if (campaign.push_event_type)
    items.push({ key: 'event', label: t('theories.detail.pushEvent'), children: <span style={monospace}>{campaign.push_event_type}</span> });
  items.push({ key: 'pool', label: t('poolShare.label'), children: <PoolShareSwitch campaign={campaign} /> });
  items.push({ key: 'jira', label: 'JIRA', children: <JiraState code={campaign.code} /> });
  if (campaign.deep_link)
    items.push({
      key: 'link',
      label: t('theories.detail.deepLink'),
      children: (
        <Text style={{ ...monospace, fontSize: 12 }} copyable ellipsis={{ tooltip: campaign.deep_link }}>
          {campaign.deep_link}
        </Text>
      ),
    });

  return (
    <Card size="small" data-testid="campaign-header">
      <Flex vertical gap={12}>
        <Flex justify="space-between" align="flex-start" gap={16} wrap>
          <Flex vertical gap={4} style={{ minWidth: 0, flex: '1 1 360px' }}>
            <Flex align="center" gap={8} wrap>
              <Title level={3} style={{ margin: 0, ...monospace }} data-testid="detail-code">
                {campaign.code}
              </Title>
              <Tooltip title={t(`theories.type.${campaign.type}`)}>
                <Tag color={TYPE_COLORS[campaign.type]} style={{ marginInlineEnd: 0 }} data-testid="detail-type">
                  {campaign.type}
                </Tag>
              </Tooltip>
              <StatusTag campaign={campaign} />
              {campaign.experiment && campaign.arm ? (
                <Tooltip
                  title={
                    leadOf(campaign)
                      ? t('theories.arms.tagHint', { arm: campaign.arm, lead: campaign.experiment })
                      : t('theories.arms.leadHint', { arm: campaign.arm })
                  }
                >
                  <Tag color="cyan" style={{ marginInlineEnd: 0 }} data-testid="detail-arm">
                    {t('theories.arms.tag', { arm: campaign.arm })}
                  </Tag>
                </Tooltip>
              ) : null}
            </Flex>
            <Text strong style={{ fontSize: 16 }} data-testid="detail-name">
              {campaign.name}
            </Text>
            {campaign.description ? (
              <Paragraph type="secondary" style={{ marginBottom: 0 }} ellipsis={{ rows: 2, expandable: true }}>
                {campaign.description}
              </Paragraph>
            ) : null}
          </Flex>
          <CampaignActions campaign={campaign} />
        </Flex>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3, xxl: 4 }} items={items} />
      </Flex>
    </Card>
  );
}

/** A campaign's page: who, what and when; its split, sizes, contacts, drop-outs, history, texts; and actions. */
/** The stored proof; once deployed, "Стратифицировать" re-runs it on the current members. */
function BalanceTab({ code, experiment, deployed }: { code: string; experiment: ExperimentOut; deployed: boolean }) {
  const { t } = useTranslation();
  const [asked, setAsked] = useState(false);
  const current = useCurrentBalance(code, asked);
  const shown = asked && current.data ? { ...experiment, groups: current.data.groups, balance: current.data.balance } : experiment;
  return (
    <Flex vertical gap={12}>
      {deployed ? (
        <Flex gap={12} align="center">
          <Button onClick={() => (asked ? void current.refetch() : setAsked(true))} loading={current.isFetching} data-testid="balance-rerun">
            {t('experiment.balance.rerun')}
          </Button>
          <Text type="secondary">{asked && current.data ? t('experiment.balance.current') : t('experiment.balance.stored')}</Text>
        </Flex>
      ) : null}
      {current.isError ? <ErrorAlert title={t('experiment.effect.loadError')} error={current.error} /> : null}
      <BalanceProofView experiment={shown} />
    </Flex>
  );
}

/** The experiment of a campaign: the stored balance proof, and its effect once deployed. */
function ExperimentCard({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const experiment = campaign.split?.experiment ?? null;
  const deployed = campaign.status !== 'draft' && campaign.status !== 'cancelled';
  const items = [
    ...(experiment
      ? [
          {
            key: 'balance',
            label: t('experiment.balance.title'),
            children: <BalanceTab code={campaign.code} experiment={experiment} deployed={deployed} />,
          },
        ]
      : []),
    ...(deployed ? [{ key: 'effect', label: t('experiment.effect.title'), children: <EffectView code={campaign.code} /> }] : []),
  ];
  if (items.length === 0) return null;
  return (
    <Card size="small" data-testid="campaign-experiment">
      <Tabs items={items} defaultActiveKey={items[0]?.key} />
    </Card>
  );
}

export function CampaignDetailPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const code = (useParams().code ?? '').trim().toUpperCase();
  const campaign = useCampaign(code);
  const notFound = campaign.error instanceof ApiError && campaign.error.status === 404;
  const stats = useCampaignStats(code, campaign.isSuccess);
  const overlap = useCampaignOverlap(campaign.isSuccess ? code : null);
  const streams = useStreams();

  const back = (
    <Link to="/campaigns" data-testid="detail-back">
      <ArrowLeftOutlined /> {t('theories.detail.back')}
    </Link>
  );

  if (notFound)
    return (
      <Card>
        <Result
          status="404"
          title={t('theories.detail.notFound')}
          subTitle={t('theories.detail.notFoundText', { code })}
          extra={
            <Button type="primary" onClick={() => void navigate('/campaigns')}>
              {t('theories.detail.back')}
            </Button>
          }
        />
      </Card>
    );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {back}
      {campaign.isError ? (
        <ErrorAlert title={t('theories.detail.loadError')} error={campaign.error} onRetry={() => void campaign.refetch()} />
      ) : null}
      {campaign.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : null}
      {campaign.data ? (
        <Flex vertical gap={16} data-testid="campaign-detail" data-code={campaign.data.code}>
          <Header campaign={campaign.data} />
          {campaign.data.warnings.length > 0 ? (
            <Alert
              type="warning"
              showIcon
              title={t('theories.detail.warnings')}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {campaign.data.warnings.map((warning) => (
                    <li key={warning.message}>{warningText(warning, t, i18n.resolvedLanguage ?? 'ru')}</li>
                  ))}
                </ul>
              }
              data-testid="campaign-warnings"
            />
          ) : null}
          <ArmsCard campaign={campaign.data} />
          {overlap.data ? (
            <Card size="small" title={t('audience.overlap.title')} data-testid="campaign-overlap">
              <OverlapView
                overlap={overlap.data}
                language={i18n.resolvedLanguage ?? 'ru'}
                streamLabel={(stream) => streams.data?.find((s) => s.code === stream)?.name_ru ?? stream}
              />
            </Card>
          ) : null}
          {stats.isError ? (
            <ErrorAlert title={t('theories.detail.statsError')} error={stats.error} onRetry={() => void stats.refetch()} />
          ) : null}
          {stats.data ? (
            <CampaignStatsView stats={stats.data} channels={campaign.data.channels} />
          ) : stats.isError ? null : (
            <Card>
              <Skeleton active paragraph={{ rows: 4 }} />
            </Card>
          )}
          <ExperimentCard campaign={campaign.data} />
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={14}>
              <TextsCard campaign={campaign.data} />
            </Col>
            <Col xs={24} xl={10}>
              {stats.data ? <HistoryTimeline events={stats.data.history} /> : null}
            </Col>
          </Row>
        </Flex>
      ) : null}
    </Space>
  );
}
