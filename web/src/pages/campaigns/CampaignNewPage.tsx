import { Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { CampaignWizard } from './wizard/CampaignWizard';

const { Title, Paragraph } = Typography;

/** Campaign Manager → new campaign: the wizard from the audience to the deploy. */
export function CampaignNewPage() {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('audience.page.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('campaign.wizard.intro')}
        </Paragraph>
      </div>
      <CampaignWizard />
    </Flex>
  );
}
