import { Flex, Skeleton, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api } from '../../api/client';
import { unwrap } from '../../api/errors';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useBankToday } from '../../components/useBankToday';
import { fetchAudience } from './audience/api';
import { CampaignWizard } from './wizard/CampaignWizard';
import { stateOfDraft, type WizardState } from './wizard/state';

const { Title, Paragraph } = Typography;

/** A saved draft and its audience, as the wizard's state (`?draft=C…`: "Продолжить", a copy). */
function useResumedDraft(code: string | null, today: string) {
  return useQuery<WizardState>({
    queryKey: ['campaigns', 'resume', code],
    enabled: code !== null,
    gcTime: 0,
    queryFn: async () => {
      const draft = unwrap(await api.GET('/api/v1/campaigns/{code}', { params: { path: { code: code ?? '' } } }));
      // A draft whose audience is gone (or not the analyst's) resumes at the audience step.
      const found = draft.audience_id ? await fetchAudience(draft.audience_id).catch(() => null) : null;
      const audience = found && { id: found.id, name: found.name, size: found.size, version: found.version };
      return stateOfDraft(draft, audience, today);
    },
  });
}

/** Campaign Manager → new campaign, or a draft resumed: the wizard from the audience to the deploy. */
export function CampaignNewPage() {
  const { t } = useTranslation();
  const today = useBankToday();
  const [params, setParams] = useSearchParams();
  const code = params.get('draft');
  const resumed = useResumedDraft(code, today);

  return (
    <Flex vertical gap={16}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {code ? t('campaign.wizard.resumeTitle', { code }) : t('audience.page.title')}
        </Title>
        <Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('campaign.wizard.intro')}
        </Paragraph>
      </div>
      {code === null ? <CampaignWizard key="new" /> : null}
      {code !== null && resumed.isPending ? <Skeleton active paragraph={{ rows: 8 }} /> : null}
      {code !== null && resumed.isError ? (
        <ErrorAlert title={t('campaign.wizard.resumeFailed', { code })} error={resumed.error} />
      ) : null}
      {code !== null && resumed.data ? (
        <CampaignWizard key={code} initial={resumed.data} onNew={() => setParams({})} />
      ) : null}
    </Flex>
  );
}
