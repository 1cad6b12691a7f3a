import { CheckCircleFilled } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Input, Typography } from 'antd';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { formatCount, formatDateTime } from '../../../lib/format';
import { useSaveAudience } from './api';
import { Field } from './Field';
import type { AudienceSpec, SavedAudience } from './types';

const { Text } = Typography;

export function SavePanel({
  spec,
  canSave,
  language,
  onSaved,
}: {
  spec: AudienceSpec | null;
  /** The funnel of this spec was counted without errors. */
  canSave: boolean;
  language: string;
  onSaved: (audience: SavedAudience, spec: AudienceSpec) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState(false);
  const save = useSaveAudience();
  const saved = save.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError(true);
      return;
    }
    if (!spec || !canSave) return;
    const sent = spec;
    save.mutate({ name: name.trim(), spec: sent }, { onSuccess: (audience) => onSaved(audience, sent) });
  };

  return (
    <Card size="small" title={t('audience.save.title')} data-testid="save">
      <form onSubmit={submit} noValidate>
        <Flex vertical gap={8}>
          <Text type="secondary" style={{ fontSize: 12 }}>
            {t('audience.save.hint')}
          </Text>
          <Field htmlFor={id} label={t('audience.save.name')}>
            <Flex gap={8}>
              <Input
                id={id}
                value={name}
                maxLength={200}
                status={nameError ? 'error' : undefined}
                aria-invalid={nameError}
                aria-describedby={nameError ? `${id}-error` : undefined}
                placeholder={t('audience.save.namePlaceholder')}
                onChange={(e) => {
                  setName(e.target.value);
                  if (e.target.value.trim()) setNameError(false);
                }}
              />
              <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!spec || !canSave}>
                {t('audience.save.submit')}
              </Button>
            </Flex>
          </Field>
          {nameError ? (
            <Text type="danger" id={`${id}-error`}>
              {t('audience.save.nameRequired')}
            </Text>
          ) : null}
          {!canSave && spec ? (
            <Text type="secondary" style={{ fontSize: 12 }}>
              {t('audience.save.cannot')}
            </Text>
          ) : null}
          {save.isError ? (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={t('audience.save.failed')}
              description={errorMessage(save.error, t)}
            />
          ) : null}
          {saved && !save.isError ? (
            <Alert
              type="success"
              icon={<CheckCircleFilled />}
              showIcon
              role="status"
              data-testid="saved-audience"
              data-id={saved.id}
              data-size={saved.size}
              title={t('audience.save.saved', { name: saved.name })}
              description={
                <Descriptions
                  size="small"
                  column={1}
                  items={[
                    {
                      key: 'size',
                      label: t('audience.save.savedSize'),
                      children: (
                        <Text strong data-testid="saved-size" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {formatCount(saved.size, language)}
                        </Text>
                      ),
                    },
                    {
                      key: 'id',
                      label: t('audience.save.savedId'),
                      children: (
                        <Text code copyable data-testid="saved-id">
                          {saved.id}
                        </Text>
                      ),
                    },
                    { key: 'at', label: t('audience.save.savedAt'), children: formatDateTime(saved.created_at, language) ?? '' },
                  ]}
                />
              }
            />
          ) : null}
        </Flex>
      </form>
    </Card>
  );
}
