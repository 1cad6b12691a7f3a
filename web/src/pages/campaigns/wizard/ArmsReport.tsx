import { Card, Flex, Table, Tag, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatCount } from '../../../lib/format';
import type { DeployReport } from './types';
import { CHANNELS } from './types';

const { Text } = Typography;

type ArmDeploy = NonNullable<DeployReport['arms']>[number];

/**
 * What each arm's campaign of an A/B/n experiment gets in a deploy (or would, in a dry run): its
 * target group and who each of its channels reaches. Nothing for a campaign deployed alone.
 */
export function ArmsReport({ report }: { report: DeployReport }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const arms = report.arms ?? [];
  if (arms.length === 0) return null;
  const known: string[] = CHANNELS;
  const channelsOf = (arm: ArmDeploy) =>
    Object.keys(arm.channels).sort((a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99));

  return (
    <Card size="small" title={t('campaign.deploy.armsTitle')} data-testid="deploy-arms">
      <Table<ArmDeploy>
        size="small"
        rowKey="code"
        pagination={false}
        dataSource={arms}
        onRow={(arm) => ({ 'data-testid': 'deploy-arm', 'data-code': arm.code, 'data-target': arm.target }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            key: 'arm',
            title: t('campaign.deploy.armCol'),
            width: 80,
            render: (_: unknown, arm) => <Tag style={{ marginInlineEnd: 0 }}>{arm.name}</Tag>,
          },
          {
            key: 'code',
            title: t('campaign.deploy.codeCol'),
            render: (_: unknown, arm) => (
              <Link to={`/campaigns/${encodeURIComponent(arm.code)}`} style={{ fontFamily: 'monospace' }}>
                {arm.code}
              </Link>
            ),
          },
          {
            key: 'target',
            title: t('campaign.deploy.targetCol'),
            align: 'right',
            render: (_: unknown, arm) => (
              <Text style={{ fontVariantNumeric: 'tabular-nums' }}>{formatCount(arm.target, language)}</Text>
            ),
          },
          {
            key: 'channels',
            title: t('campaign.deploy.channelsCol'),
            render: (_: unknown, arm) => (
              <Flex wrap gap={4}>
                {channelsOf(arm).map((channel) => (
                  <Tag
                    key={channel}
                    style={{ marginInlineEnd: 0, fontVariantNumeric: 'tabular-nums' }}
                    data-testid="deploy-arm-channel"
                    data-channel={channel}
                    data-eligible={arm.channels[channel]?.eligible ?? 0}
                  >
                    {t(`campaign.channels.${channel}`, { defaultValue: channel })}: {formatCount(arm.channels[channel]?.eligible ?? 0, language)}
                  </Tag>
                ))}
              </Flex>
            ),
          },
        ]}
      />
    </Card>
  );
}
