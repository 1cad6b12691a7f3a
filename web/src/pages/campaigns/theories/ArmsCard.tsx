import { ForkOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { errorMessage } from '../../../api/errors';
import { formatCount } from '../../../lib/format';
import { leadOf, useCreateArms, type Campaign, type ExperimentArm } from './api';
import { channelName } from './status';
import { StatusTag } from './StatusTag';

const { Text } = Typography;
const monospace = { fontFamily: 'monospace' } as const;

function campaignLink(code: string) {
  return (
    <Link to={`/campaigns/${encodeURIComponent(code)}`} style={monospace}>
      {code}
    </Link>
  );
}

/**
 * An A/B/n experiment whose arms are campaigns of their own: each arm's campaign (its code, name,
 * status, channels, target size), the one shared control group, and which campaign leads (deploys
 * them all). On a lead draft whose arms have no campaign yet, the button that creates them.
 */
export function ArmsCard({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { message } = App.useApp();
  const create = useCreateArms();
  const experiment = campaign.arms;
  if (!experiment) return null;

  const lead = leadOf(campaign);
  const isLead = experiment.lead === campaign.code;
  const ownArm = experiment.arms.find((arm) => arm.code === campaign.code);
  const missing = experiment.arms.filter((arm) => arm.code === null);
  const hasArmCampaigns = experiment.arms.some((arm) => arm.group > 1 && arm.code !== null);
  const canCreate = isLead && !experiment.complete && campaign.status === 'draft' && campaign.can_edit;
  // A multi-arm campaign deployed as one (its arms in one target group): nothing to show or create.
  if (!hasArmCampaigns && campaign.status !== 'draft') return null;

  const onCreate = () =>
    create.mutate(campaign.code, {
      onSuccess: (created) => {
        const codes = created.arms.filter((arm) => arm.group > 1 && arm.code).map((arm) => arm.code);
        void message.success(codes.length ? t('theories.arms.created', { codes: codes.join(', ') }) : t('theories.arms.createdNone'));
      },
      onError: (error) => void message.error(errorMessage(error, t)),
    });

  const columns: TableColumnsType<ExperimentArm> = [
    {
      key: 'arm',
      title: t('theories.arms.col.arm'),
      width: 70,
      render: (_: unknown, arm) => <Tag style={{ marginInlineEnd: 0 }}>{arm.name}</Tag>,
    },
    {
      key: 'code',
      title: t('theories.arms.col.code'),
      width: 250,
      render: (_: unknown, arm) =>
        arm.code ? (
          <Flex gap={6} align="center" wrap>
            {arm.code === campaign.code ? <Text strong style={monospace}>{arm.code}</Text> : campaignLink(arm.code)}
            {arm.code === experiment.lead ? (
              <Tag color="geekblue" style={{ marginInlineEnd: 0 }}>
                {t('theories.arms.leadTag')}
              </Tag>
            ) : null}
            {arm.code === campaign.code ? (
              <Tag style={{ marginInlineEnd: 0 }}>{t('theories.arms.thisTag')}</Tag>
            ) : null}
          </Flex>
        ) : (
          <Text type="secondary" italic>
            {t('theories.arms.noCampaign')}
          </Text>
        ),
    },
    {
      key: 'name',
      title: t('theories.arms.col.name'),
      ellipsis: true,
      render: (_: unknown, arm) => arm.campaign_name ?? <Text type="secondary">—</Text>,
    },
    {
      key: 'status',
      title: t('theories.arms.col.status'),
      width: 140,
      render: (_: unknown, arm) =>
        arm.status && arm.effective_status ? (
          <StatusTag
            campaign={{
              status: arm.status,
              effective_status: arm.effective_status,
              start_date: campaign.start_date,
              end_date: campaign.end_date,
            }}
          />
        ) : (
          <Text type="secondary">—</Text>
        ),
    },
    {
      key: 'channels',
      title: t('theories.arms.col.channels'),
      width: 150,
      render: (_: unknown, arm) => (
        <Flex wrap gap={4}>
          {arm.channels.map((channel) => (
            <Tag key={channel} style={{ marginInlineEnd: 0 }}>
              {channelName(channel, t)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: 'target',
      title: t('theories.arms.col.target'),
      width: 150,
      align: 'right',
      render: (_: unknown, arm) => (
        <span style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="arm-target">
          {formatCount(arm.target_count, language)}
        </span>
      ),
    },
  ];

  return (
    <Card
      size="small"
      title={t('theories.arms.title')}
      data-testid="campaign-arms"
      data-lead={experiment.lead}
      data-complete={experiment.complete}
      extra={
        canCreate ? (
          <Button
            type="primary"
            size="small"
            icon={<ForkOutlined />}
            loading={create.isPending}
            onClick={onCreate}
            data-testid="arms-create"
          >
            {t('theories.arms.create')}
          </Button>
        ) : null
      }
    >
      <Flex vertical gap={12}>
        {lead ? (
          <Alert
            type="info"
            showIcon
            data-testid="arm-note"
            title={
              <Trans
                i18nKey="theories.arms.armNote"
                values={{ arm: ownArm?.name ?? campaign.arm ?? '', lead }}
                components={{ lead: <Link to={`/campaigns/${encodeURIComponent(lead)}`} style={monospace} /> }}
              />
            }
          />
        ) : hasArmCampaigns ? (
          <Text type="secondary">{t('theories.arms.leadNote')}</Text>
        ) : (
          <Text type="secondary">
            {t('theories.arms.draftNote', { arms: experiment.arms.map((arm) => arm.name).join(', ') })}
          </Text>
        )}
        {isLead && hasArmCampaigns && missing.length > 0 && campaign.status === 'draft' ? (
          <Alert
            type="warning"
            showIcon
            data-testid="arms-missing"
            title={t('theories.arms.missing', { arms: missing.map((arm) => arm.name).join(', ') })}
          />
        ) : null}
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'lead',
              label: t('theories.arms.lead'),
              children: (
                <span data-testid="arms-lead">
                  {isLead ? <Text strong style={monospace}>{experiment.lead}</Text> : campaignLink(experiment.lead)}
                </span>
              ),
            },
            {
              key: 'control',
              label: t('theories.arms.control'),
              children: (
                <span style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="arms-control">
                  {formatCount(experiment.control_count, language)}
                </span>
              ),
            },
          ]}
        />
        <Table<ExperimentArm>
          size="small"
          rowKey="group"
          pagination={false}
          columns={columns}
          dataSource={experiment.arms}
          onRow={(arm) => ({ 'data-testid': 'arm-row', 'data-arm': arm.name, 'data-code': arm.code ?? '' }) as HTMLAttributes<HTMLElement>}
          tableLayout="fixed"
          scroll={{ x: 880 }}
        />
      </Flex>
    </Card>
  );
}
