import { ArrowLeftOutlined, ArrowRightOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Steps, Typography } from 'antd';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount, formatShare } from '../../../lib/format';
import { useBankToday } from '../../../components/useBankToday';
import { useFormDefaults } from '../../../components/useFormDefaults';
import { useCurrentUser } from '../../../auth/useSession';
import {
  BUILDER_STORAGE,
  clearPersisted,
  persistedKey,
  readPersisted,
  usePersisted,
  WIZARD_STORAGE,
} from '../../../lib/persisted';
import { leadOf } from '../theories/api';
import { CampaignError, useDeploy, useSaveDraft } from './api';
import { AudienceStep } from './AudienceStep';
import { DeployStep } from './DeployStep';
import { DetailsStep, type DetailsChange } from './DetailsStep';
import { focusField } from './fields';
import { ReviewStep } from './ReviewStep';
import { SplitStep } from './SplitStep';
import { DEFAULT_CONTROL_SHARE, draftBody, initialState, STEPS, wizardReducer, type WizardState } from './state';
import type { DeployReport, FieldErrors, TextLanguage } from './types';
import { stepOfField, validateDetails, validateSplit } from './validation';

const { Title } = Typography;

function only(errors: FieldErrors, step: ReturnType<typeof stepOfField>): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([field]) => stepOfField(field) === step));
}

/**
 * Campaign Manager → new campaign: audience, split, details, review (a saved draft and a dry
 * run), deploy. The state lives here, in one reducer, so going back and forth keeps what was typed.
 */
export function CampaignWizard({ initial, onNew }: { initial?: WizardState; onNew?: () => void } = {}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const today = useBankToday();
  const username = useCurrentUser()?.username;
  // A new campaign in progress survives leaving the page and a reload (per user); a resumed
  // draft lives on the server, and a deployed campaign is done: nothing to keep.
  const storage = initial ? null : persistedKey(WIZARD_STORAGE, username);
  const [state, dispatch] = useReducer(
    wizardReducer,
    today,
    (day) => initial ?? readPersisted<WizardState>(storage) ?? initialState(day),
  );
  usePersisted(storage, state.deployed ? null : state);
  // A campaign started from scratch takes the admin's default control share (Settings) until
  // the analyst changes it; a resumed or restored one keeps its own.
  const [startedFresh] = useState(() => !initial && readPersisted<WizardState>(storage) === null);
  const defaultsApplied = useRef(false);
  const defaults = useFormDefaults().data;
  useEffect(() => {
    if (!defaults || !startedFresh || defaultsApplied.current) return;
    defaultsApplied.current = true;
    if (state.split.share === DEFAULT_CONTROL_SHARE && defaults.default_control_share !== DEFAULT_CONTROL_SHARE)
      dispatch({ type: 'split', change: { share: defaults.default_control_share } });
  }, [defaults, startedFresh, state.split.share]);
  const [builderKey, setBuilderKey] = useState(0);
  const [textTab, setTextTab] = useState<TextLanguage>('ru');
  const [audienceMissing, setAudienceMissing] = useState(false);
  const heading = useRef<HTMLElement>(null);
  // Where the keyboard goes once the screen shows it: a field (by path) or the step's heading.
  const [focusTarget, setFocusTarget] = useState<{ field: string | null; n: number }>({ field: null, n: 0 });
  const save = useSaveDraft();
  const onDeployed = useCallback(
    (report: DeployReport) => {
      // Done: the next campaign starts afresh, in the builder too.
      clearPersisted(persistedKey(BUILDER_STORAGE, username));
      dispatch({ type: 'deployed', report });
    },
    [username],
  );
  const deploy = useDeploy(onDeployed);

  const step = STEPS[state.step] ?? 'audience';
  const armLead = state.draft ? leadOf(state.draft) : null;
  const deployed = state.deployed !== null;
  const locked = deployed || deploy.busy || save.isPending;

  const splitErrors = { ...only(state.serverErrors, 'split'), ...validateSplit(state.split, t) };
  const detailsErrors = {
    ...only(state.serverErrors, 'details'),
    ...(state.detailsTried ? validateDetails(state.details, today, t) : {}),
  };
  const audienceError = state.serverErrors.audience_id;

  useEffect(() => {
    if (focusTarget.n === 0) return;
    if (focusTarget.field) focusField(focusTarget.field);
    else heading.current?.focus();
  }, [focusTarget]);
  const focusLater = (field: string | null) => setFocusTarget((target) => ({ field, n: target.n + 1 }));

  /** Moves to a step and the keyboard to its heading (a screen reader announces where it is). */
  const go = (index: number) => {
    dispatch({ type: 'go', step: index });
    focusLater(null);
  };

  /**
   * Shows the fields with a problem: the step of the first, the language tab that has a text
   * problem (the current one if both have), and the keyboard on the first field.
   */
  const showFields = (fields: string[]) => {
    const first = fields[0];
    if (!first) return;
    const index = STEPS.indexOf(stepOfField(first));
    if (index !== state.step) dispatch({ type: 'go', step: index });
    const tabs = new Set(
      fields.filter((f) => f.startsWith('texts.')).map((f) => (f.startsWith('texts.kz') ? 'kz' : 'ru')),
    );
    if (tabs.size && !tabs.has(textTab)) setTextTab(tabs.has('ru') ? 'ru' : 'kz');
    focusLater(first);
  };

  const saveDraft = () => {
    dispatch({ type: 'detailsTried' });
    const problems = { ...validateSplit(state.split, t), ...validateDetails(state.details, today, t) };
    if (Object.keys(problems).length) {
      showFields(Object.keys(problems));
      return;
    }
    const body = draftBody(state);
    const key = JSON.stringify(body);
    if (state.draft && state.savedBody === key) {
      go(3);
      return;
    }
    save.mutate(
      { body, previous: state.draft },
      {
        onSuccess: (draft) => {
          dispatch({ type: 'saved', draft, body: key });
          go(3);
        },
        onError: (error) => {
          const fields = error instanceof CampaignError ? error.fields : {};
          dispatch({ type: 'serverErrors', errors: fields });
          showFields(Object.keys(fields));
        },
      },
    );
  };

  const next = () => {
    switch (step) {
      case 'audience':
        if (!state.audience) {
          setAudienceMissing(true);
          return;
        }
        go(1);
        return;
      case 'split': {
        const first = Object.keys(validateSplit(state.split, t))[0];
        if (first) focusLater(first);
        else go(2);
        return;
      }
      case 'details':
        saveDraft();
        return;
      case 'review':
        go(4);
        return;
      case 'deploy':
        return;
    }
  };

  const newCampaign = () => {
    deploy.reset();
    save.reset();
    setTextTab('ru');
    setAudienceMissing(false);
    setBuilderKey((key) => key + 1);
    clearPersisted(persistedKey(BUILDER_STORAGE, username));
    dispatch({ type: 'reset', state: initialState(today) });
    focusLater(null);
    onNew?.();
  };

  const onDetails: DetailsChange = (change, fields) => dispatch({ type: 'details', change, fields });

  const stepTitles = {
    audience: t('audience.page.stepAudience'),
    split: t('campaign.steps.split'),
    details: t('campaign.steps.details'),
    review: t('campaign.steps.review'),
    deploy: t('campaign.steps.deploy'),
  };
  const stepHints = {
    audience: state.audience
      ? `${state.audience.name} · ${formatCount(state.audience.size, language)}`
      : t('audience.page.stepAudienceHint'),
    split:
      state.split.share !== null
        ? t('campaign.steps.splitHint', { share: formatShare(state.split.share, language) })
        : t('campaign.steps.splitEmpty'),
    details: state.details.name.trim() || t('campaign.steps.detailsHint'),
    // A campaign code is one word: it must not break in the narrow column of the step.
    review: state.draft ? (
      <span style={{ whiteSpace: 'nowrap' }} data-testid="steps-draft-code">
        {state.draft.code}
      </span>
    ) : (
      t('campaign.steps.reviewHint')
    ),
    deploy: deployed ? t('campaign.steps.deployed') : t('campaign.steps.deployHint'),
  };
  const nextLabel =
    step === 'details'
      ? t('campaign.wizard.saveAndReview')
      : step === 'review'
        ? t('campaign.wizard.toDeploy')
        : t('campaign.wizard.next');

  return (
    <Flex vertical gap={16} data-testid="campaign-wizard" data-step={step}>
      <Card size="small">
        <Steps
          current={state.step}
          size="small"
          onChange={(index) => {
            if (!locked && index < state.step) go(index);
          }}
          items={STEPS.map((key, index) => ({
            title: stepTitles[key],
            content: stepHints[key],
            // Back to any step done; forward only with "Next", which checks the step.
            disabled: locked || index > state.step,
            status: deployed ? ('finish' as const) : undefined,
            // The step with the draft code keeps its width (the code does not wrap); the rails give way.
            style: key === 'review' && state.draft ? { flexShrink: 0 } : undefined,
          }))}
        />
      </Card>

      {armLead && state.draft ? (
        // An arm of an A/B/n experiment: what the split depends on is its lead's (the server refuses a change).
        <Alert
          type="info"
          showIcon
          data-testid="wizard-arm-note"
          title={
            <Trans
              i18nKey="theories.arms.armNote"
              values={{ arm: state.draft.arm ?? '', lead: armLead }}
              components={{ lead: <Link to={`/campaigns/${encodeURIComponent(armLead)}`} style={{ fontFamily: 'monospace' }} /> }}
            />
          }
        />
      ) : null}

      <Title level={4} style={{ margin: 0 }} tabIndex={-1} ref={heading} data-testid="wizard-step-title">
        {t('campaign.wizard.stepTitle', { n: state.step + 1, title: stepTitles[step] })}
      </Title>

      <div hidden={step !== 'audience'}>
        <AudienceStep
          audience={state.audience}
          error={audienceError}
          builderKey={builderKey}
          onChoose={(audience) => {
            setAudienceMissing(false);
            dispatch({ type: 'audience', audience });
          }}
          onNext={next}
        />
      </div>
      {step === 'split' && state.audience ? (
        <SplitStep
          audience={state.audience}
          split={state.split}
          errors={splitErrors}
          onChange={(change) => dispatch({ type: 'split', change })}
        />
      ) : null}
      {step === 'details' ? (
        <DetailsStep
          form={state.details}
          errors={detailsErrors}
          today={today}
          textTab={textTab}
          onTextTab={setTextTab}
          onChange={onDetails}
        />
      ) : null}
      {step === 'review' && state.draft ? <ReviewStep draft={state.draft} audience={state.audience} /> : null}
      {step === 'deploy' && state.draft ? (
        <DeployStep
          draft={state.draft}
          phase={deploy.phase}
          report={state.deployed}
          onDeploy={() => {
            if (state.draft) deploy.deploy(state.draft.code);
          }}
          onEditDetails={() => {
            const error = deploy.phase.kind === 'failed' ? deploy.phase.error : null;
            const fields = error instanceof CampaignError ? error.fields : {};
            dispatch({ type: 'serverErrors', errors: fields });
            deploy.reset();
            if (Object.keys(fields).length) showFields(Object.keys(fields));
            else go(2);
          }}
          onNewCampaign={newCampaign}
        />
      ) : null}

      {step === 'details' && save.isError ? (
        save.error instanceof CampaignError && Object.keys(save.error.fields).length ? (
          // The fields are marked; this says what the server said, all of it, in one place.
          Object.keys(state.serverErrors).length ? (
            <ErrorAlert title={t('campaign.wizard.saveRefused')} error={save.error} />
          ) : null
        ) : (
          <ErrorAlert title={t('campaign.wizard.saveFailed')} error={save.error} onRetry={saveDraft} />
        )
      ) : null}
      {audienceMissing && step === 'audience' ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('campaign.audience.required')}
          data-testid="audience-required"
        />
      ) : null}

      {deployed ? null : (
        <Flex justify="space-between" gap={8} data-testid="wizard-nav">
          <Button
            icon={<ArrowLeftOutlined />}
            onClick={() => go(state.step - 1)}
            disabled={state.step === 0 || locked}
            data-testid="wizard-back"
          >
            {t('campaign.wizard.back')}
          </Button>
          {step === 'deploy' ? null : (
            <Button
              type="primary"
              icon={<ArrowRightOutlined />}
              iconPlacement="end"
              onClick={next}
              loading={save.isPending}
              disabled={locked && !save.isPending}
              data-testid="wizard-next"
            >
              {nextLabel}
            </Button>
          )}
        </Flex>
      )}
    </Flex>
  );
}
