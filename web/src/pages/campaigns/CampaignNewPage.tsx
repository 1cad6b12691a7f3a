import { ToolOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Result, Skeleton, Steps, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../components/ErrorAlert';
import { useAudienceOptions } from './audience/api';
import { AudienceBuilder } from './audience/AudienceBuilder';

const { Title, Paragraph } = Typography;

/**
 * Campaign Manager → new campaign. Only the Audience step is built; the later steps (split,
 * details, deploy) come in another issue, and the page says so plainly.
 */
export function CampaignNewPage() {
  const { t } = useTranslation();
  const options = useAudienceOptions();
  return (
    <Flex vertical gap={16}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('audience.page.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('audience.page.intro')}
        </Paragraph>
      </div>
      <Card size="small">
        <Steps
          current={0}
          size="small"
          items={[
            { title: t('audience.page.stepAudience'), content: t('audience.page.stepAudienceHint') },
            { title: t('audience.page.stepNext'), content: t('audience.page.stepNextHint'), disabled: true },
          ]}
        />
      </Card>

      {options.isError ? (
        <ErrorAlert title={t('audience.page.optionsError')} error={options.error} onRetry={() => void options.refetch()} />
      ) : null}
      {options.isPending ? <Skeleton active paragraph={{ rows: 8 }} /> : null}
      {options.data && !options.data.feature_store.loaded ? (
        <Alert type="warning" showIcon title={t('audience.page.noFeatureStore')} />
      ) : null}
      {options.data && options.data.feature_store.loaded ? <AudienceBuilder options={options.data} /> : null}

      <Card data-testid="next-steps">
        <Result
          icon={<ToolOutlined />}
          title={t('audience.page.nextTitle')}
          subTitle={t('audience.page.nextText')}
          extra={
            <Button disabled aria-disabled>
              {t('audience.page.nextButton')}
            </Button>
          }
        />
      </Card>
    </Flex>
  );
}
