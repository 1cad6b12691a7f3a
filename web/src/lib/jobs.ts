import i18next, { type TFunction } from 'i18next';

import { api } from '../api/client';
import { unwrap } from '../api/errors';
import { formatCount } from './format';
import type { components } from '../api/schema';

export type Job = components['schemas']['JobOut'];
export type JobStage = components['schemas']['JobStage'];

/** How often a running job is asked how far it got. */
export const JOB_POLL_MS = 500;

/** The HTTP status a failed job's error class stands for (the job keeps the error body, not the status). */
export const STATUS_OF_JOB_ERROR: Record<string, number> = {
  InvalidInput: 422,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  NotFound: 404,
  Conflict: 409,
};

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new DOMException('aborted', 'AbortError');
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface FollowOptions {
  /** Every answer while the job is queued or running. */
  onProgress?: (job: Job) => void;
  signal?: AbortSignal;
  intervalMs?: number;
}

/**
 * Follows a job (GET /api/v1/jobs/{id} every `intervalMs`) until it ends and returns it, succeeded
 * or failed: what a failure means is the caller's (uploads and deploys keep different error bodies).
 * Aborting the signal stops following the job, not the job itself.
 */
export async function followJob(jobId: string, { onProgress, signal, intervalMs = JOB_POLL_MS }: FollowOptions = {}): Promise<Job> {
  for (;;) {
    const job = unwrap(await api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId } }, signal }));
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    onProgress?.(job);
    await sleep(intervalMs, signal);
  }
}

/** A job's stage in the interface language (`codes.job.stage.<x>`), or null before it has one. */
export function jobStageText(stage: JobStage | null | undefined, t: TFunction): string | null {
  if (!stage) return null;
  const language = i18next.resolvedLanguage ?? 'ru';
  return t(`codes.${stage.code}`, {
    done: formatCount(stage.done ?? 0, language),
    total: formatCount(stage.total ?? 0, language),
  });
}
