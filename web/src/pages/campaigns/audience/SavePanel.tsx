import { CheckCircleFilled } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Input, Typography } from 'antd';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { formatCount, formatDateTime } from '../../../lib/format';
import { useSaveAudience, useSaveAudienceVersion } from './api';
import { Field } from './Field';
import type { AudienceSpec, EditedAudience, SavedAudience } from './types';

const { Text } = Typography;

export function SavePanel({
  spec,
  canSave,
  language,
  onSaved,
  editing = null,
  nextVersion = null,
}: {
  spec: AudienceSpec | null;
  /** The funnel of this spec was counted without errors. */
  canSave: boolean;
  language: string;
  onSaved: (audience: SavedAudience, spec: AudienceSpec) => void;
  /** The saved audience open in the builder: a save may make its next version. */
  editing?: EditedAudience | null;
  /** The number the next version of `editing` will get (one more than its family's newest). */
  nextVersion?: number | null;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState(false);
  // An audience opened (another family): its name is the one offered.
  const [nameOf, setNameOf] = useState<string | null>(null);
  if (editing && editing.familyId !== nameOf) {
    setNameOf(editing.familyId);
    setName(editing.name);
    setNameError(false);
  }
  const save = useSaveAudience();
  const saveVersion = useSaveAudienceVersion();
  const [asVersion, setAsVersion] = useState(false);
  const active = asVersion ? saveVersion : save;
  const saved = active.data;

  const submit = (event: FormEvent, version = false) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError(true);
      return;
    }
    if (!spec || !canSave) return;
    const sent = spec;
    const done = { onSuccess: (audience: SavedAudience) => onSaved(audience, sent) };
    setAsVersion(version && editing !== null);
    if (version && editing) saveVersion.mutate({ id: editing.id, name: name.trim(), spec: sent }, done);
    else save.mutate({ name: name.trim(), spec: sent }, done);
  };
  const versionNumber = nextVersion ?? (editing ? editing.version + 1 : null);

  return (
    <Card size="small" title={t('audience.save.title')} data-testid="save">
      {/* Enter saves what the primary button says: the next version of the audience open, if any. */}
      <form onSubmit={(event) => submit(event, editing !== null)} noValidate>
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
              {editing ? null : (
                <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!spec || !canSave}>
                  {t('audience.save.submit')}
                </Button>
              )}
            </Flex>
          </Field>
          {editing ? (
            <Flex gap={8} wrap>
              <Button
                type="primary"
                htmlType="submit"
                data-testid="save-version"
                loading={saveVersion.isPending}
                disabled={!spec || !canSave || save.isPending}
              >
                {t('audience.save.asVersion', { version: versionNumber })}
              </Button>
              <Button
                data-testid="save-new"
                loading={save.isPending}
                disabled={!spec || !canSave || saveVersion.isPending}
                onClick={(event) => submit(event, false)}
              >
                {t('audience.save.asNew')}
              </Button>
            </Flex>
          ) : null}
          {editing ? (
            <Text type="secondary" style={{ fontSize: 12 }}>
              {t('audience.save.versionHint')}
            </Text>
          ) : null}
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
          {active.isError ? (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={t('audience.save.failed')}
              description={errorMessage(active.error, t)}
            />
          ) : null}
          {saved && !active.isError ? (
            <Alert
              type="success"
              icon={<CheckCircleFilled />}
              showIcon
              role="status"
              data-testid="saved-audience"
              data-id={saved.id}
              data-size={saved.size}
              data-version={saved.version}
              title={
                asVersion
                  ? t('audience.save.versionSaved', { name: saved.name, version: saved.version })
                  : t('audience.save.saved', { name: saved.name })
              }
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
