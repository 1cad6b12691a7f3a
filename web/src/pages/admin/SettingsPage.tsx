import { UndoOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, InputNumber, Select, Switch, Tooltip, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../components/ErrorAlert';
import { formatNumber, formatTimestamp } from '../../lib/format';
import { changedValues, useRuntimeSettings, useSaveSettings, type RuntimeSettings, type SettingKey } from './useRuntimeSettings';

const { Title, Paragraph, Text } = Typography;

/** The form shows the control share in percent; the API keeps a fraction. */
type FormValues = Omit<RuntimeSettings, 'default_control_share'> & { default_control_share: number };

function toForm(values: RuntimeSettings): FormValues {
  return { ...values, default_control_share: Math.round(values.default_control_share * 1000) / 10 };
}

function fromForm(values: FormValues): RuntimeSettings {
  return { ...values, default_control_share: Math.round(values.default_control_share * 10) / 1000 };
}

const SECTIONS: { key: 'uploads' | 'campaigns' | 'distribution'; fields: SettingKey[] }[] = [
  { key: 'uploads', fields: ['upload_max_mb', 'upload_job_threshold_mb', 'upload_max_rows'] },
  { key: 'campaigns', fields: ['default_control_share', 'deploy_job_threshold_rows'] },
  { key: 'distribution', fields: ['distribution_enabled', 'distribution_time', 'notification_recipients'] },
];

/** Administration → Settings: run-time values, each with its default and who changed it. */
export function SettingsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { message } = App.useApp();
  const settings = useRuntimeSettings();
  const save = useSaveSettings();
  const [form] = Form.useForm<FormValues>();
  const data = settings.data;

  useEffect(() => {
    if (data) form.setFieldsValue(toForm(data.values));
  }, [data, form]);

  if (settings.error) return <ErrorAlert title={t('settingsPage.loadError')} error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!data) return <Card loading />;

  const changed = new Map(data.changed.map((c) => [c.key, c]));
  const show = (key: SettingKey, value: unknown): string => {
    if (key === 'default_control_share') return `${Math.round(Number(value) * 1000) / 10} %`;
    if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
    if (typeof value === 'boolean') return value ? t('settingsPage.on') : t('settingsPage.off');
    if (typeof value === 'number') return formatNumber(value, language, 2);
    return String(value);
  };

  const onFinish = (values: FormValues) => {
    const body = changedValues(data.values, fromForm(values));
    if (Object.keys(body).length === 0) return;
    save.mutate(body, { onSuccess: () => void message.success(t('settingsPage.saved')) });
  };

  const reset = (key: SettingKey) =>
    save.mutate({ reset: [key] }, { onSuccess: () => void message.success(t('settingsPage.saved')) });

  const control = (key: SettingKey): ReactNode => {
    switch (key) {
      case 'distribution_enabled':
        return <Switch />;
      case 'distribution_time':
        return <Input style={{ width: 120 }} placeholder="09:00" />;
      case 'notification_recipients':
        return <Select mode="tags" tokenSeparators={[',', ';', ' ']} open={false} suffixIcon={null} />;
      case 'default_control_share':
        return <InputNumber min={0} max={50} step={0.5} style={{ width: 160 }} />;
      case 'upload_job_threshold_mb':
        return <InputNumber min={0} max={2048} step={1} style={{ width: 160 }} />;
      default:
        return <InputNumber min={key === 'deploy_job_threshold_rows' ? 0 : 1} precision={0} style={{ width: 200 }} />;
    }
  };

  const extra = (key: SettingKey) => {
    const change = changed.get(key);
    return (
      <Flex vertical>
        <Text type="secondary">{t('settingsPage.default', { value: show(key, data.defaults[key]) })}</Text>
        {key === 'notification_recipients' ? <Text type="secondary">{t('settingsPage.recipientsHelp')}</Text> : null}
        {change ? (
          <Text type="secondary" data-testid={`setting-changed-${key}`}>
            {t('settingsPage.changedBy', { user: change.updated_by, time: formatTimestamp(change.updated_at, language) })}
          </Text>
        ) : null}
      </Flex>
    );
  };

  return (
    <Flex vertical gap={16} style={{ maxWidth: 880 }}>
      <div>
        <Title level={3} style={{ marginTop: 0 }}>
          {t('settingsPage.title')}
        </Title>
        <Paragraph type="secondary">{t('settingsPage.intro')}</Paragraph>
      </div>
      {save.error ? <ErrorAlert title={t('settingsPage.loadError')} error={save.error} /> : null}
      <Form form={form} layout="vertical" onFinish={onFinish} data-testid="settings-form">
        {SECTIONS.map((section) => (
          <Card key={section.key} size="small" title={t(`settingsPage.sections.${section.key}`)} style={{ marginBottom: 16 }}>
            {section.fields.map((key) => (
              <Flex key={key} gap={8} align="start">
                <Form.Item
                  name={key}
                  label={t(`settingsPage.field.${key}`)}
                  extra={extra(key)}
                  valuePropName={key === 'distribution_enabled' ? 'checked' : 'value'}
                  rules={
                    key === 'distribution_time'
                      ? [{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: t('settingsPage.badTime') }]
                      : key === 'notification_recipients' || key === 'distribution_enabled'
                        ? []
                        : [{ required: true }]
                  }
                  style={{ flex: 1 }}
                >
                  {control(key)}
                </Form.Item>
                {changed.has(key) ? (
                  <Tooltip title={t('settingsPage.reset')}>
                    <Button icon={<UndoOutlined />} aria-label={`${t('settingsPage.reset')}: ${t(`settingsPage.field.${key}`)}`} onClick={() => reset(key)} style={{ marginTop: 30 }} />
                  </Tooltip>
                ) : null}
              </Flex>
            ))}
          </Card>
        ))}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('settingsPage.save')}
        </Button>
      </Form>
    </Flex>
  );
}
