import { ArrowRightOutlined, CheckCircleFilled } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Select, Skeleton, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount } from '../../../lib/format';
import { useAudienceOptions, useSavedAudiences } from '../audience/api';
import { AudienceBuilder } from '../audience/AudienceBuilder';
import { fieldId } from './fields';
import type { ChosenAudience } from './types';

const { Paragraph, Text } = Typography;

/**
 * Step 1: the campaign's audience — a saved snapshot, picked from the list or built and saved
 * here. A campaign deploys exactly the IINs of the snapshot.
 */
export function AudienceStep({
  audience,
  error,
  builderKey,
  onChoose,
  onNext,
}: {
  audience: ChosenAudience | null;
  /** The server's word on the audience of the last saved draft (e.g. it was deleted). */
  error?: string;
  /** A new key starts the builder afresh (a new campaign). */
  builderKey: number;
  onChoose: (audience: ChosenAudience | null) => void;
  /** On to the split: offered up here, so that nobody scrolls past the builder for the wizard's "Next". */
  onNext: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const options = useAudienceOptions();
  const saved = useSavedAudiences();
  const items = saved.data?.items ?? [];
  const id = fieldId('audience_id');

  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('campaign.audience.title')} data-testid="wizard-audience">
        <Flex vertical gap={8}>
          <label htmlFor={id} style={{ fontWeight: 500 }}>
            {t('campaign.audience.pick')}
          </label>
          <Select
            id={id}
            data-testid="audience-pick"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={saved.isPending}
            status={error ? 'error' : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            placeholder={t(
              items.length || saved.isPending ? 'campaign.audience.pickPlaceholder' : 'campaign.audience.noneSaved',
            )}
            value={audience?.id}
            onChange={(value?: string) => {
              const chosen = items.find((item) => item.id === value);
              onChoose(chosen ? { id: chosen.id, name: chosen.name, size: chosen.size, version: chosen.version } : null);
            }}
            options={[
              // The audience just saved may not be in the list yet: it stays shown by its name.
              ...(audience && !items.some((item) => item.id === audience.id)
                ? [{ value: audience.id, label: `${audience.name} · ${formatCount(audience.size, language)}` }]
                : []),
              ...items.map((item) => ({
                value: item.id,
                // A later version says which it is; a first one (most) reads as before.
                label:
                  item.version > 1
                    ? `${item.name} · v${item.version} · ${formatCount(item.size, language)}`
                    : `${item.name} · ${formatCount(item.size, language)}`,
              })),
            ]}
            style={{ width: '100%', maxWidth: 640 }}
          />
          {error ? (
            <Text type="danger" id={`${id}-error`}>
              {error}
            </Text>
          ) : null}
          {saved.isError ? (
            <ErrorAlert
              title={t('campaign.audience.listError')}
              error={saved.error}
              onRetry={() => void saved.refetch()}
            />
          ) : null}
          {audience ? (
            <Alert
              type="success"
              showIcon
              icon={<CheckCircleFilled />}
              role="status"
              data-testid="chosen-audience"
              data-id={audience.id}
              title={
                <>
                  {t('campaign.audience.chosen', { name: audience.name, size: formatCount(audience.size, language) })}
                  {audience.version ? (
                    <Tag color="blue" style={{ marginInlineStart: 8 }} data-testid="chosen-version">
                      {t('campaign.audience.version', { version: audience.version })}
                    </Tag>
                  ) : null}
                </>
              }
              action={
                <Button
                  type="primary"
                  size="small"
                  icon={<ArrowRightOutlined />}
                  iconPlacement="end"
                  onClick={onNext}
                  data-testid="audience-next"
                >
                  {t('campaign.audience.next')}
                </Button>
              }
            />
          ) : (
            <Text type="secondary">{t('campaign.audience.orBuild')}</Text>
          )}
          {audience && audience.size === 0 ? (
            <Alert type="warning" showIcon title={t('campaign.audience.empty')} />
          ) : null}
        </Flex>
      </Card>

      <Paragraph type="secondary" style={{ margin: 0 }}>
        {t('audience.page.intro')}
      </Paragraph>
      {options.isError ? (
        <ErrorAlert
          title={t('audience.page.optionsError')}
          error={options.error}
          onRetry={() => void options.refetch()}
        />
      ) : null}
      {options.isPending ? <Skeleton active paragraph={{ rows: 8 }} /> : null}
      {options.data && !options.data.feature_store.loaded ? (
        <Alert type="warning" showIcon title={t('audience.page.noFeatureStore')} />
      ) : null}
      {options.data && options.data.feature_store.loaded ? (
        <AudienceBuilder
          key={builderKey}
          options={options.data}
          onSaved={(snapshot) =>
            onChoose({ id: snapshot.id, name: snapshot.name, size: snapshot.size, version: snapshot.version })
          }
        />
      ) : null}
    </Flex>
  );
}
