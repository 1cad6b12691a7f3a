import { PlusOutlined } from '@ant-design/icons';
import { Flex, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { RoleButton } from '../../../auth/RoleButton';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useCampaignList } from './api';
import { DashboardStrip } from './DashboardStrip';
import { listQuery } from './filters';
import { TheoriesFilterBar } from './TheoriesFilterBar';
import { TheoriesTable } from './TheoriesTable';
import { useFiltersInUrl } from './useFiltersInUrl';

const { Title, Paragraph } = Typography;

/** Active Theories: the campaigns — a summary strip, filters kept in the address, the table. */
export function TheoriesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [filters, updateFilters] = useFiltersInUrl();
  const list = useCampaignList(listQuery(filters));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ flex: '1 1 420px' }}>
          <Title level={3} style={{ marginTop: 0 }}>
            {t('theories.title')}
          </Title>
          <Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('theories.intro')}
          </Paragraph>
        </div>
        <RoleButton minRole="analyst" type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/campaigns/new')}>
          {t('theories.newCampaign')}
        </RoleButton>
      </Flex>

      <DashboardStrip />

      <TheoriesFilterBar filters={filters} updateFilters={updateFilters} list={list} />

      {list.isError ? <ErrorAlert title={t('theories.loadError')} error={list.error} onRetry={() => void list.refetch()} /> : null}

      <TheoriesTable filters={filters} updateFilters={updateFilters} list={list} />
    </Space>
  );
}
