import { Alert, Button, Card, Flex, Input, Typography } from 'antd';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { useExplainIin } from './api';
import { Field } from './Field';
import { filterLabel, stepLabel, type LabelContext } from './labels';
import type { AudienceSpec, ExplainResult, SavedAudience } from './types';

const { Text } = Typography;

/** For each "Any of" group the IIN passes: which of its conditions let it through. */
function GroupsPassed({ result, spec, ctx }: { result: ExplainResult; spec: AudienceSpec; ctx: LabelContext }) {
  const { t } = useTranslation();
  const lines = (result.any_of ?? []).flatMap((group) => {
    const filter = group.filter_index != null ? spec.filters?.[group.filter_index] : undefined;
    if (!filter || filter.kind !== 'any_of' || group.passed.length === 0) return [];
    const passed = group.passed.map((i) => (filter.filters[i] ? filterLabel(ctx, filter.filters[i]) : String(i)));
    return [{ step: group.step, text: passed.join('; ') }];
  });
  if (!lines.length) return null;
  return (
    <div data-testid="explain-groups">
      {lines.map((line) => (
        <div key={line.step}>{t('audience.explain.groupPassed', { step: line.step, list: line.text })}</div>
      ))}
    </div>
  );
}

function ExplainAnswer({
  result,
  spec,
  saved,
  ctx,
}: {
  result: ExplainResult;
  spec: AudienceSpec;
  saved?: SavedAudience;
  ctx: LabelContext;
}) {
  const { t } = useTranslation();
  const snapshot =
    saved && result.in_snapshot != null ? (
      <div>{t(result.in_snapshot ? 'audience.explain.snapshotIn' : 'audience.explain.snapshotOut', { name: saved.name })}</div>
    ) : null;
  if (result.in_audience) {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="explain-result"
        data-in="true"
        title={t('audience.explain.in', { iin: result.iin })}
        description={
          <>
            <GroupsPassed result={result} spec={spec} ctx={ctx} />
            {snapshot}
          </>
        }
      />
    );
  }
  const first = result.first_removed_by?.step;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="explain-result"
      data-in="false"
      title={t('audience.explain.out', { iin: result.iin })}
      description={
        <>
          {result.in_source === false ? <div>{t('audience.explain.notInSource')}</div> : null}
          {result.removed_by.length ? (
            <>
              <div>{t('audience.explain.removedBy')}</div>
              <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }} data-testid="explain-steps">
                {result.removed_by.map((step) => (
                  <li key={step.step}>
                    <Text strong={step.step === first}>
                      {step.step}. {stepLabel(ctx, spec, step)}
                    </Text>
                    {step.step === first ? (
                      <Text type="secondary" style={{ fontSize: 12 }}>
                        {' '}
                        ({t('audience.explain.counted')})
                      </Text>
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <GroupsPassed result={result} spec={spec} ctx={ctx} />
          {snapshot}
        </>
      }
    />
  );
}

export function ExplainBox({
  spec,
  ctx,
  saved,
}: {
  spec: AudienceSpec | null;
  ctx: LabelContext;
  /** The audience saved from the spec on screen, if it was: its snapshot is checked too. */
  saved?: SavedAudience;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [iin, setIin] = useState('');
  const [required, setRequired] = useState(false);
  const explain = useExplainIin();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = iin.trim();
    if (!value) {
      setRequired(true);
      return;
    }
    if (!spec) return;
    explain.mutate({ iin: value, spec, savedId: saved?.id });
  };

  // An answer about an earlier spec is not shown as if it were about the one on screen.
  const asked =
    explain.variables && spec && JSON.stringify(explain.variables.spec) === JSON.stringify(spec)
      ? explain.variables
      : undefined;
  return (
    <Card size="small" title={t('audience.explain.title')} data-testid="explain">
      <form onSubmit={submit} noValidate>
        <Flex vertical gap={8}>
          <Text type="secondary" style={{ fontSize: 12 }}>
            {t('audience.explain.hint')}
          </Text>
          <Field htmlFor={id} label={t('audience.explain.iin')}>
            <Flex gap={8}>
              <Input
                id={id}
                value={iin}
                inputMode="numeric"
                autoComplete="off"
                maxLength={40}
                placeholder={t('audience.explain.placeholder')}
                status={required ? 'error' : undefined}
                aria-invalid={required}
                onChange={(e) => {
                  setIin(e.target.value);
                  setRequired(false);
                }}
                style={{ fontFamily: 'monospace' }}
              />
              <Button htmlType="submit" loading={explain.isPending} disabled={!spec}>
                {t('audience.explain.submit')}
              </Button>
            </Flex>
          </Field>
          {required ? <Text type="danger">{t('audience.explain.required')}</Text> : null}
          {explain.isError ? (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={t('audience.explain.failed')}
              description={errorMessage(explain.error, t)}
            />
          ) : null}
          {explain.data && asked ? (
            <ExplainAnswer result={explain.data} spec={asked.spec} saved={asked.savedId ? saved : undefined} ctx={ctx} />
          ) : null}
        </Flex>
      </form>
    </Card>
  );
}
