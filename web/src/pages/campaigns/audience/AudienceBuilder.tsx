import { App, Col, Flex, Row, Skeleton, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '../../../auth/useSession';
import { BUILDER_STORAGE, persistedKey, readPersisted, usePersisted } from '../../../lib/persisted';
import { SpecError, useAudiencePreview, useAudienceVersions, useSavedAudiences, useUploads } from './api';
import { compileDraft, draftFromSpec, moved, newFilter, type Draft, type DraftFilter } from './draft';
import { ExplainBox } from './ExplainBox';
import { FilterList, type FilterStepInfo } from './FilterList';
import { FunnelView } from './FunnelView';
import { streamName, type LabelContext } from './labels';
import { OpenSavedPanel } from './OpenSavedPanel';
import { RankPanel } from './RankPanel';
import { OverlapView, ReachabilityView } from './ReachOverlap';
import { SampleTable } from './SampleTable';
import { SavePanel } from './SavePanel';
import { SourcePicker } from './SourcePicker';
import type { AudienceOptions, AudienceSpec, EditedAudience, FilterKind, SavedAudience } from './types';

// ECharts is big: its chunk loads with the first preview, not with the app.
const DistributionCharts = lazy(() => import('./DistributionCharts').then((m) => ({ default: m.DistributionCharts })));

/** The Audience step: source, filters and rank on the left; the live funnel, save and explain on the right. */
function specKey(draft: Draft): string | null {
  const { spec } = compileDraft(draft);
  return spec ? JSON.stringify(spec) : null;
}

/** What the builder keeps in the browser (lib/persisted). */
interface KeptBuilder {
  draft: Draft;
  editing: EditedAudience | null;
}

export function AudienceBuilder({
  options,
  onSaved,
}: {
  options: AudienceOptions;
  /** A snapshot was saved (the campaign wizard takes it as the campaign's audience). */
  onSaved?: (audience: SavedAudience, spec: AudienceSpec) => void;
}) {
  const { t, i18n } = useTranslation();
  const { modal } = App.useApp();
  const language = i18n.resolvedLanguage ?? 'ru';
  const uploads = useUploads();
  const audiences = useSavedAudiences();
  // The draft and the audience open here survive leaving the page and a reload (per user).
  const storage = persistedKey(BUILDER_STORAGE, useCurrentUser()?.username);
  const [kept] = useState(() => readPersisted<KeptBuilder>(storage));
  const [draft, setDraft] = useState<Draft>(() => kept?.draft ?? draftFromSpec(options.default_spec as AudienceSpec));
  const [focusId, setFocusId] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ audience: SavedAudience; key: string } | null>(null);
  // The saved audience (version) open here, if any: a save may make its next version.
  const [editing, setEditing] = useState<EditedAudience | null>(kept?.editing ?? null);
  usePersisted(storage, useMemo(() => ({ draft, editing }), [draft, editing]));
  const versions = useAudienceVersions(editing ? editing.id : null);
  const nextVersion = versions.data?.length ? Math.max(...versions.data.map((v) => v.version)) + 1 : null;
  const edit = (audience: SavedAudience) =>
    setEditing({ id: audience.id, familyId: audience.family_id, version: audience.version, name: audience.name });
  const [pushEventType, setPushEventType] = useState<string | null>(null);

  const compiled = useMemo(() => compileDraft(draft), [draft]);
  const preview = useAudiencePreview(compiled.spec, pushEventType);
  const currentKey = compiled.spec ? JSON.stringify(compiled.spec) : null;
  // What the draft was when opened or last saved: anything else is work that a new draft discards.
  const defaultKey = useMemo(() => specKey(draftFromSpec(options.default_spec as AudienceSpec)), [options.default_spec]);
  const [baseline, setBaseline] = useState<string | null>(null);
  const unsaved = currentKey !== (baseline ?? defaultKey);
  const openSaved = (audience: SavedAudience) => {
    const open = () => {
      const opened = draftFromSpec(audience.spec);
      setDraft(opened);
      setBaseline(specKey(opened));
      edit(audience);
      setSaved(null);
      setFocusId(null);
    };
    if (!unsaved) return open();
    modal.confirm({
      title: t('audience.open.discardTitle'),
      content: t('audience.open.discardText'),
      okText: t('audience.open.discardOk'),
      cancelText: t('audience.open.discardCancel'),
      onOk: open,
    });
  };

  const ctx: LabelContext = useMemo(
    () => ({
      t,
      language,
      options,
      uploads: uploads.data?.items ?? [],
      audiences: audiences.data?.items ?? options.audiences,
    }),
    [t, language, options, uploads.data, audiences.data],
  );

  // What the funnel says about each filter card: its step numbers and how many it removed.
  const stepInfo = useMemo(() => {
    const info = new Map<string, FilterStepInfo>();
    if (!preview.fresh || !preview.result) return info;
    for (const step of preview.result.preview.funnel) {
      const owner = step.filter_index == null ? undefined : compiled.owners[step.filter_index];
      if (!owner) continue;
      const entry = info.get(owner) ?? { steps: [], removed: 0 };
      entry.steps.push(step.step);
      entry.removed += step.removed;
      info.set(owner, entry);
    }
    return info;
  }, [preview.fresh, preview.result, compiled.owners]);

  // A 422 names the bad part of the spec: show it on that filter, the source or the rank.
  const issues = useMemo(() => {
    const byFilter = new Map<string, string[]>();
    const source: string[] = [];
    const rank: string[] = [];
    const error = preview.currentError;
    if (error instanceof SpecError) {
      for (const issue of error.issues) {
        const owner = issue.filterIndex == null ? undefined : compiled.owners[issue.filterIndex];
        if (owner) byFilter.set(owner, [...(byFilter.get(owner) ?? []), issue.message]);
        else if (issue.part === 'source') source.push(issue.message);
        else if (issue.part === 'rank') rank.push(issue.message);
      }
    }
    return { byFilter, source, rank };
  }, [preview.currentError, compiled.owners]);

  const update = (change: (draft: Draft) => Draft) => setDraft((current) => change(current));
  const onAdd = (kind: FilterKind) => {
    const filter = newFilter(kind);
    update((d) => ({ ...d, filters: [...d.filters, filter] }));
    setFocusId(filter.id);
  };
  const onChange = (next: DraftFilter) =>
    update((d) => ({ ...d, filters: d.filters.map((f) => (f.id === next.id ? next : f)) }));

  const result = preview.result;
  const canSave = preview.fresh && !preview.pending && !preview.currentError;
  const savedNow = saved && saved.key === currentKey ? saved.audience : undefined;

  return (
    <Flex vertical gap={16}>
      {/* Columns stretch to the row's height, so that the aside can stay in sight (sticky) within it. */}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <OpenSavedPanel
              editing={editing}
              language={language}
              onOpen={openSaved}
              onClose={() => {
                setEditing(null);
                setSaved(null);
                setDraft(draftFromSpec(options.default_spec as AudienceSpec));
              }}
            />
            <SourcePicker
              source={draft.source}
              referenceDate={draft.referenceDate}
              ctx={ctx}
              issues={issues.source}
              onChange={(source) => update((d) => ({ ...d, source }))}
              onReferenceDate={(referenceDate) => update((d) => ({ ...d, referenceDate }))}
            />
            <FilterList
              filters={draft.filters}
              globalControl={draft.globalControl}
              ctx={ctx}
              stepInfo={stepInfo}
              issues={issues.byFilter}
              incomplete={compiled.incomplete}
              focusId={focusId}
              onGlobalControl={(globalControl) => update((d) => ({ ...d, globalControl }))}
              onAdd={onAdd}
              onChange={onChange}
              onMove={(index, delta) => update((d) => ({ ...d, filters: moved(d.filters, index, delta) }))}
              onRemove={(id) => update((d) => ({ ...d, filters: d.filters.filter((f) => f.id !== id) }))}
            />
            <RankPanel
              rank={draft.rank}
              ctx={ctx}
              issues={issues.rank}
              onChange={(rank) => update((d) => ({ ...d, rank }))}
            />
          </Flex>
        </Col>
        <Col xs={24} xl={10}>
          {/* The funnel stays in sight while the filters are edited; it scrolls on its own if it must. */}
          <div
            style={{ position: 'sticky', top: 80, maxHeight: 'calc(100vh - 96px)', overflowY: 'auto' }}
            data-testid="builder-aside"
          >
            <FunnelView
              result={result}
              fresh={preview.fresh}
              pending={preview.pending}
              error={preview.currentError}
              waiting={compiled.spec === null}
              ctx={ctx}
              below={
                <>
                  <ReachabilityView
                    reach={result?.preview.reachability}
                    eventTypes={options.push_event_types}
                    pushEventType={pushEventType}
                    onPushEventType={setPushEventType}
                    language={language}
                  />
                  <OverlapView
                    overlap={result?.preview.overlap}
                    language={language}
                    streamLabel={(code) => streamName(ctx, code)}
                  />
                </>
              }
            />
          </div>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <SavePanel
            spec={compiled.spec}
            canSave={canSave}
            language={language}
            editing={editing}
            nextVersion={nextVersion}
            onSaved={(audience, spec) => {
              setSaved({ audience, key: JSON.stringify(spec) });
              setBaseline(JSON.stringify(spec));
              edit(audience);
              onSaved?.(audience, spec);
            }}
          />
        </Col>
        <Col xs={24} lg={12}>
          <ExplainBox spec={compiled.spec} ctx={ctx} saved={savedNow} />
        </Col>
      </Row>
      {result ? (
        <>
          <Typography.Title level={4} style={{ margin: '8px 0 0' }}>
            {t('audience.charts.title')}
          </Typography.Title>
          <div style={{ opacity: preview.fresh ? 1 : 0.55 }}>
            <Flex vertical gap={16}>
              <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>
                <DistributionCharts distributions={result.preview.distributions} ctx={ctx} />
              </Suspense>
              <SampleTable rows={result.preview.sample} ctx={ctx} loading={false} />
            </Flex>
          </div>
        </>
      ) : null}
    </Flex>
  );
}
