import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import { api } from '../../../api/client';
import { ApiError, apiErrorOf, toApiError, unwrap } from '../../../api/errors';
import { followJob, type JobStage, STATUS_OF_JOB_ERROR } from '../../../lib/jobs';
import { useDebounced } from '../../../lib/useDebounced';
import { leadOf } from '../theories/api';
import { designBody } from './design';
import { fieldErrorsOf } from './validation';
import type {
  CampaignCreate,
  CampaignOut,
  CampaignType,
  CampaignUpdate,
  DeployReport,
  DesignForm,
  FieldErrors,
  Job,
  PushEventType,
  SplitResult,
  Stream,
} from './types';

/** How long the split must stay unchanged before it is previewed. */
export const SPLIT_DEBOUNCE_MS = 300;
export { JOB_POLL_MS } from '../../../lib/jobs';

/** An API error that also says which fields of the draft it is about (a 422's `errors[]`). */
export class CampaignError extends ApiError {
  readonly fields: FieldErrors;

  constructor(base: ApiError, fields: FieldErrors) {
    super(base.message, base.status, base.errorClass, base.code, base.params, base.errors);
    this.fields = fields;
  }
}

function unwrapCampaign<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw new CampaignError(toApiError(result.error, result.response), fieldErrorsOf(result.error));
}

/** The enabled streams of a campaign type (GET /reference/streams), in the bank's order. */
export function useStreams(type: CampaignType) {
  return useQuery({
    queryKey: ['reference', 'streams', type],
    queryFn: async ({ signal }): Promise<Stream[]> => {
      const list = unwrap(
        await api.GET('/api/v1/reference/streams', { params: { query: { campaign_type: type } }, signal }),
      );
      return list.items
        .filter((stream) => stream.enabled && stream.campaign_type === type)
        .sort((a, b) => a.sort_order - b.sort_order || a.code.localeCompare(b.code));
    },
    staleTime: 5 * 60_000,
  });
}

export function usePushEventTypes() {
  return useQuery({
    queryKey: ['reference', 'push-event-types'],
    // Disabled types (Admin → Справочники) are offered to no new campaign.
    queryFn: async ({ signal }): Promise<PushEventType[]> =>
      unwrap(await api.GET('/api/v1/reference/push-event-types', { signal })).items.filter((p) => p.enabled),
    staleTime: 5 * 60_000,
  });
}

export interface SplitRequest {
  audienceId: string;
  share: number;
  seed: number;
  design?: DesignForm;
}

/**
 * The sizes of the groups and the sample-ratio check for a share and seed: asked ~300 ms after
 * the last change (a stale request is cancelled); the last answer stays while a new one comes.
 */
export function useSplitPreview(request: SplitRequest | null) {
  const key = request ? JSON.stringify(request) : null;
  const debouncedKey = useDebounced(key, SPLIT_DEBOUNCE_MS);
  const query = useQuery<SplitResult & { key: string }, CampaignError>({
    queryKey: ['campaigns', 'split-preview', debouncedKey],
    enabled: debouncedKey !== null,
    queryFn: async ({ signal }) => {
      const asked = JSON.parse(debouncedKey as string) as SplitRequest;
      const result = unwrapCampaign(
        await api.POST('/api/v1/campaigns/split-preview', {
          body: {
            audience_id: asked.audienceId,
            control_share: asked.share,
            split_seed: asked.seed,
            ...designBody(asked.design),
          },
          signal,
        }),
      );
      return { ...result, key: debouncedKey as string };
    },
    placeholderData: keepPreviousData,
    retry: false,
  });
  return {
    ...query,
    /** The answer is about the split on screen (not a previous one kept while recounting). */
    fresh: key !== null && query.data?.key === key,
    pending: key !== null && (key !== debouncedKey || query.isFetching),
  };
}

/**
 * A draft as PATCH /campaigns/{code} takes it: every field, nulls included (a channel or an RB3
 * term removed is removed from the draft), but the type, which a draft keeps for life.
 */
function updateOf(body: CampaignCreate): CampaignUpdate {
  const change: CampaignUpdate & { type?: CampaignType } = { ...body };
  delete change.type;
  return change;
}

export interface SaveDraftRequest {
  body: CampaignCreate;
  /** The draft saved before, if any: it is changed (PATCH) rather than a new one created. */
  previous: CampaignOut | null;
}

/**
 * Saves the draft: creates it the first time, then edits it. The type of a campaign cannot change
 * (its codes depend on it): a new type makes a new draft, and the old one is cancelled.
 */
export function useSaveDraft() {
  const queryClient = useQueryClient();
  return useMutation<CampaignOut, CampaignError, SaveDraftRequest>({
    mutationFn: async ({ body, previous }) => {
      if (previous && previous.type === body.type) {
        return unwrapCampaign(
          await api.PATCH('/api/v1/campaigns/{code}', {
            params: { path: { code: previous.code } },
            body: updateOf(body),
          }),
        );
      }
      const created = unwrapCampaign(await api.POST('/api/v1/campaigns', { body }));
      if (previous) {
        // Best effort: an abandoned draft deploys nothing, it only clutters the list.
        await api
          .POST('/api/v1/campaigns/{code}/status', {
            params: { path: { code: previous.code } },
            body: { status: 'cancelled', reason: `replaced by ${created.code} (campaign type changed)` },
          })
          .catch(() => undefined);
      }
      return created;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['campaigns', 'list'] }),
  });
}

/**
 * What a deploy would write and who drops out of each channel (`?dry_run=true`): nothing is written.
 * An arm of an A/B/n experiment is written by its lead's deploy: its dry run is the lead's.
 */
export function useDryRun(draft: CampaignOut | null) {
  const code = draft ? (leadOf(draft) ?? draft.code) : '';
  return useQuery<DeployReport, CampaignError>({
    // A new version of the draft (updated_at) is a new dry run.
    queryKey: ['campaigns', 'dry-run', code, draft?.code ?? '', draft?.updated_at ?? ''],
    enabled: draft !== null,
    queryFn: async () => {
      const result = unwrapCampaign(
        await api.POST('/api/v1/campaigns/{code}/deploy', {
          params: { path: { code }, query: { dry_run: true } },
        }),
      );
      if ('job_id' in result) throw new ApiError('a dry run answered with a job', 500, 'UnexpectedAnswer');
      return result;
    },
    retry: false,
    staleTime: 0,
  });
}

/** Where a deploy is: not started, asked, running as a job, done, or failed. */
export type DeployPhase =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'job'; jobId: string; progress: number; stage: JobStage | null }
  | { kind: 'done'; report: DeployReport }
  | { kind: 'failed'; error: unknown };

function jobError(job: Job): ApiError {
  const body = job.result;
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
    const errorClass = (body as { error: string }).error;
    const base = apiErrorOf(body, STATUS_OF_JOB_ERROR[errorClass] ?? 500, job.error ?? errorClass);
    return new CampaignError(base, fieldErrorsOf(body));
  }
  return new ApiError(job.error ?? 'the deploy job failed', 500, 'JobFailed');
}

/** Follows a deploy job to its report; a failed job throws its error. */
async function followDeploy(
  jobId: string,
  signal: AbortSignal,
  onProgress: (progress: number, stage: JobStage | null) => void,
): Promise<DeployReport> {
  onProgress(0, null);
  const job = await followJob(jobId, { signal, onProgress: (running) => onProgress(running.progress, running.stage) });
  if (job.status === 'failed') throw jobError(job);
  onProgress(1, null);
  return job.result as DeployReport;
}

/**
 * The deploy: POST /deploy; a 200 is the report, a 202 a job followed (GET /jobs/{id} every
 * ~500 ms) to its report. Leaving the page stops following the job, not the job itself.
 */
export function useDeploy(onDone: (report: DeployReport) => void) {
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<DeployPhase>({ kind: 'idle' });
  const controller = useRef<AbortController | null>(null);
  const onDoneRef = useRef(onDone);
  useEffect(() => {
    onDoneRef.current = onDone;
  }, [onDone]);
  useEffect(() => () => controller.current?.abort(), []);

  const deploy = useCallback(
    (code: string) => {
      controller.current?.abort();
      const own = new AbortController();
      controller.current = own;
      const signal = own.signal;
      setPhase({ kind: 'starting' });
      void (async () => {
        try {
          const result = unwrapCampaign(
            // Always as a job: the analyst watches its stages and rows, whatever its size.
            await api.POST('/api/v1/campaigns/{code}/deploy', {
              params: { path: { code }, query: { background: true } },
              signal,
            }),
          );
          const report =
            'job_id' in result
              ? await followDeploy(result.job_id, signal, (progress, stage) =>
                  setPhase({ kind: 'job', jobId: result.job_id, progress, stage }),
                )
              : result;
          if (signal.aborted) return;
          setPhase({ kind: 'done', report });
          void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
          onDoneRef.current(report);
        } catch (error) {
          if (signal.aborted) return;
          setPhase({ kind: 'failed', error });
        }
      })();
    },
    [queryClient],
  );

  const reset = useCallback(() => {
    controller.current?.abort();
    setPhase({ kind: 'idle' });
  }, []);

  return { phase, deploy, reset, busy: phase.kind === 'starting' || phase.kind === 'job' };
}
