import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import { api } from '../../api/client';
import { toApiError, unwrap } from '../../api/errors';
import type { JobStage } from '../../lib/jobs';
import { isAbort, pollUploadJob, sendUpload, UploadError } from './transport';
import type { UploadChoices, UploadReport } from './types';

export const UPLOADS_KEY = ['uploads'] as const;
const listKey = (page: number, pageSize: number) => [...UPLOADS_KEY, 'list', page, pageSize] as const;
export const reportKey = (id: string) => [...UPLOADS_KEY, 'report', id] as const;

/** GET /uploads: the caller's uploads (an admin's: everyone's), newest first, a page at a time. */
export function useUploadList(page: number, pageSize: number) {
  return useQuery({
    queryKey: listKey(page, pageSize),
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/uploads', {
          params: { query: { limit: pageSize, offset: (page - 1) * pageSize } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** GET /uploads/{id}: one upload's report (none while `id` is null). */
export function useUploadReport(id: string | null) {
  return useQuery({
    queryKey: reportKey(id ?? ''),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/uploads/{upload_id}', { params: { path: { upload_id: id ?? '' } }, signal })),
    enabled: id !== null,
  });
}

/** An upload is a dataset too: after a change both lists are stale. */
function useInvalidateUploads() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: [...UPLOADS_KEY, 'list'] }),
        queryClient.invalidateQueries({ queryKey: ['datasets'] }),
      ]),
    [queryClient],
  );
}

export function useDeleteUpload() {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateUploads();
  return useMutation({
    mutationFn: async (id: string) => {
      const { response, error } = await api.DELETE('/api/v1/uploads/{upload_id}', {
        params: { path: { upload_id: id } },
      });
      // 204: no body to unwrap.
      if (!response.ok) throw toApiError(error, response);
    },
    onSuccess: (_data, id) => queryClient.removeQueries({ queryKey: reportKey(id) }),
    onSettled: invalidate,
  });
}

/** Where an upload is: sending the bytes, the server checking them, a job running, or ended. */
export type UploadPhase =
  | { kind: 'idle' }
  | { kind: 'sending'; loaded: number; total: number }
  | { kind: 'checking' }
  | { kind: 'job'; progress: number; stage: JobStage | null }
  | { kind: 'done'; report: UploadReport }
  | { kind: 'failed'; error: unknown }
  | { kind: 'cancelled' };

export interface UploadFlow {
  phase: UploadPhase;
  /** The file of the last upload, kept to send it again with a chosen IIN column or sheet. */
  file: File | null;
  choices: UploadChoices | null;
  start: (file: File, choices: UploadChoices) => void;
  cancel: () => void;
  busy: boolean;
}

export interface UploadFlowHandlers {
  /** An accepted file's report. */
  onReport: (report: UploadReport) => void;
  /** The report of a file the server read and rejected (strict mode, no valid IIN): nothing stored. */
  onRejected: (report: UploadReport) => void;
}

/**
 * Send a file and follow it to its report: upload progress from XMLHttpRequest, then — for a
 * large file answered with 202 — the job's progress.
 */
export function useUploadFlow(handlers: UploadFlowHandlers): UploadFlow {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateUploads();
  const [phase, setPhase] = useState<UploadPhase>({ kind: 'idle' });
  const [file, setFile] = useState<File | null>(null);
  const [choices, setChoices] = useState<UploadChoices | null>(null);
  const controller = useRef<AbortController | null>(null);
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  }, [handlers]);

  // Leaving the page stops the upload (or stops following its job).
  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (next: File, nextChoices: UploadChoices) => {
      controller.current?.abort();
      const own = new AbortController();
      controller.current = own;
      setFile(next);
      setChoices(nextChoices);
      setPhase({ kind: 'sending', loaded: 0, total: next.size });
      const signal = own.signal;
      const whileCurrent =
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A) => {
          if (controller.current === own) fn(...args);
        };

      void (async () => {
        try {
          const sent = await sendUpload(next, nextChoices, {
            signal,
            onProgress: whileCurrent((loaded, total) => setPhase({ kind: 'sending', loaded, total })),
            onSent: whileCurrent(() => setPhase({ kind: 'checking' })),
          });
          let report: UploadReport;
          if (sent.status === 202) {
            whileCurrent(() => setPhase({ kind: 'job', progress: 0, stage: null }))();
            report = await pollUploadJob(sent.queued.job_id, {
              signal,
              onProgress: whileCurrent((job) => setPhase({ kind: 'job', progress: job.progress, stage: job.stage })),
            });
          } else {
            report = sent.report;
          }
          if (controller.current !== own) return;
          if (report.id) queryClient.setQueryData(reportKey(report.id), report);
          setPhase({ kind: 'done', report });
          void invalidate();
          handlersRef.current.onReport(report);
        } catch (error) {
          if (controller.current !== own) return;
          setPhase(isAbort(error) ? { kind: 'cancelled' } : { kind: 'failed', error });
          if (error instanceof UploadError && error.rejection?.report) handlersRef.current.onRejected(error.rejection.report);
        }
      })();
    },
    [invalidate, queryClient],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);

  const busy = phase.kind === 'sending' || phase.kind === 'checking' || phase.kind === 'job';
  return { phase, file, choices, start, cancel, busy };
}
