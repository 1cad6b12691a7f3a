import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../../../api/client';
import { apiErrorOf, unwrap } from '../../../api/errors';
import { followJob, type Job } from '../../../lib/jobs';
import type { components, operations } from '../../../api/schema';

export type CampaignSummary = components['schemas']['CampaignSummary'];
export type Campaign = components['schemas']['CampaignOut'];
export type CampaignStats = components['schemas']['CampaignStats'];
export type CampaignEvent = components['schemas']['CampaignEventOut'];
export type CampaignStatus = components['schemas']['CampaignStatus'];
/** What a campaign does today, as its status tag shows it. */
export type EffectiveStatus = components['schemas']['EffectiveStatus'];
export type CampaignType = CampaignSummary['type'];
export type Dashboard = components['schemas']['Dashboard'];
export type SplitResult = components['schemas']['SplitResult'];
export type ChannelDropouts = components['schemas']['ChannelDropouts'];
export type MembersReport = components['schemas']['MembersReport'];
export type Stream = components['schemas']['StreamOut'];
/** An A/B/n experiment of arm campaigns: its lead, the shared control, each arm's campaign. */
export type ExperimentArms = components['schemas']['ExperimentArms'];
export type ExperimentArm = components['schemas']['ExperimentArm'];
export type ListQuery = NonNullable<operations['list_campaigns_api_v1_campaigns_get']['parameters']['query']>;
export type ExportFormat = 'csv' | 'xlsx' | 'parquet';
export type ExportGroup = 'target' | 'control' | 'all';
export type MemberGroup = 'target' | 'control';
export type MembersAction = 'add' | 'remove';
/** The statuses POST /status accepts (which of them, now, `allowed_statuses` says). */
export type StatusTarget = components['schemas']['StatusChange']['status'];

/** The days the dashboard looks back over. */
export const DASHBOARD_DAYS = 30;

export const CAMPAIGNS_KEY = ['campaigns'] as const;
const listKey = (query: ListQuery) => [...CAMPAIGNS_KEY, 'list', query] as const;
const dashboardKey = (days: number) => [...CAMPAIGNS_KEY, 'dashboard', days] as const;
export const detailKey = (code: string) => [...CAMPAIGNS_KEY, 'detail', code] as const;
export const statsKey = (code: string) => [...CAMPAIGNS_KEY, 'stats', code] as const;

/** GET /campaigns: one page of the filtered, sorted list (the previous page stays while the next loads). */
export function useCampaignList(query: ListQuery) {
  return useQuery({
    queryKey: listKey(query),
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/campaigns', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The list query as the page's parts share it (the filters' refresh button, the table). */
export type CampaignList = ReturnType<typeof useCampaignList>;

/** GET /campaigns/dashboard: counts across all campaigns and per-day series. */
export function useDashboard(days = DASHBOARD_DAYS) {
  return useQuery({
    queryKey: dashboardKey(days),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/campaigns/dashboard', { params: { query: { days } }, signal })),
  });
}

export function useCampaign(code: string) {
  return useQuery({
    queryKey: detailKey(code),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/campaigns/{code}', { params: { path: { code } }, signal })),
  });
}

export function useCampaignStats(code: string, enabled = true) {
  return useQuery({
    queryKey: statsKey(code),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/campaigns/{code}/stats', { params: { path: { code } }, signal })),
    enabled,
  });
}

/** The streams of both campaign types (reference data: changes rarely). */
export function useStreams() {
  return useQuery({
    queryKey: ['reference', 'streams'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/reference/streams', { signal })).items,
    staleTime: 10 * 60_000,
  });
}

/** The caller's uploads (an admin's: everyone's), newest first: the files members can come from. */
export function useUploadChoices(enabled: boolean) {
  return useQuery({
    queryKey: ['uploads', 'list', 'choices'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/uploads', { params: { query: { limit: 100, offset: 0 } }, signal })).items,
    enabled,
  });
}

/** After a change the list, the dashboard, the campaign and its statistics are all stale. */
function useInvalidateCampaigns() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: CAMPAIGNS_KEY });
}

export function useCopyCampaign() {
  const invalidate = useInvalidateCampaigns();
  return useMutation({
    mutationFn: async ({ code, name }: { code: string; name?: string }) =>
      unwrap(await api.POST('/api/v1/campaigns/{code}/copy', { params: { path: { code } }, body: name ? { name } : {} })),
    onSuccess: invalidate,
  });
}

/** The lead of the experiment this campaign is an arm of; null for a lead or a plain campaign. */
export function leadOf(campaign: Pick<CampaignSummary, 'code' | 'experiment'>): string | null {
  return campaign.experiment && campaign.experiment !== campaign.code ? campaign.experiment : null;
}

/** POST /campaigns/{code}/arms: a draft campaign for each arm of the lead's design that has none. */
export function useCreateArms() {
  const invalidate = useInvalidateCampaigns();
  return useMutation({
    mutationFn: async (code: string) =>
      unwrap(await api.POST('/api/v1/campaigns/{code}/arms', { params: { path: { code } } })),
    onSuccess: invalidate,
  });
}

/** What JIRA knows of the campaign (its issue, the last sync and its error). */
export function useCampaignJira(code: string) {
  return useQuery({
    queryKey: [...detailKey(code), 'jira'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v1/integrations/jira/campaigns/{code}', { params: { path: { code } }, signal })),
  });
}

/** PATCH pool_share alone: a deployed campaign opts in to (or out of) the daily pool. */
export function useSetPoolShare() {
  const invalidate = useInvalidateCampaigns();
  return useMutation({
    mutationFn: async ({ code, pool_share }: { code: string; pool_share: boolean }) =>
      unwrap(await api.PATCH('/api/v1/campaigns/{code}', { params: { path: { code } }, body: { pool_share } })),
    onSettled: invalidate,
  });
}

export function useChangeStatus() {
  const invalidate = useInvalidateCampaigns();
  return useMutation({
    mutationFn: async ({ code, status, reason }: { code: string; status: StatusTarget; reason: string | null }) =>
      unwrap(
        await api.POST('/api/v1/campaigns/{code}/status', {
          params: { path: { code } },
          body: reason ? { status, reason } : { status },
        }),
      ),
    onSettled: invalidate,
  });
}

export type MembersSource = { iins: string[] } | { upload_id: string };

export function useChangeMembers() {
  const invalidate = useInvalidateCampaigns();
  return useMutation({
    mutationFn: async ({
      code,
      action,
      group,
      source,
      force = false,
    }: {
      code: string;
      action: MembersAction;
      group: MemberGroup;
      source: MembersSource;
      /** Add also the IINs the campaign's suppression steps block (administrators). */
      force?: boolean;
    }) => {
      const options = { params: { path: { code } }, body: { ...source, group, force } };
      return unwrap(
        action === 'add'
          ? await api.POST('/api/v1/campaigns/{code}/members', options)
          : await api.POST('/api/v1/campaigns/{code}/members/remove', options),
      );
    },
    onSettled: invalidate,
  });
}

export function useDeleteCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ code, password }: { code: string; password: string }) =>
      unwrap(await api.DELETE('/api/v1/campaigns/{code}', { params: { path: { code } }, body: { password } })),
    onSuccess: (_deleted, { code }) => {
      // Gone: asking for it again would only answer 404.
      queryClient.removeQueries({ queryKey: detailKey(code) });
      queryClient.removeQueries({ queryKey: statsKey(code) });
      void queryClient.invalidateQueries({ queryKey: [...CAMPAIGNS_KEY, 'list'] });
      void queryClient.invalidateQueries({ queryKey: [...CAMPAIGNS_KEY, 'dashboard'] });
    },
  });
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header (RFC 6266, simple or UTF-8 form). */
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (encoded?.[1]) {
    try {
      return decodeURIComponent(encoded[1].trim());
    } catch {
      // A broken encoding: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"|filename\s*=\s*([^;\s]+)/i.exec(disposition);
  return plain?.[1] ?? plain?.[2] ?? null;
}

/** Let the browser fetch `url` itself and save it to disk (never into the page's memory). */
export function followDownload(url: string, filename: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}

type ExportLink = components['schemas']['ExportLink'];

/**
 * POST /campaigns/{code}/export-link (audited: who took which list), then the browser downloads
 * the file from the short-lived signed link, streaming it to disk. A large XLSX is written by a
 * job first (202): `onProgress` follows it. Resolves with the file name.
 */
export async function downloadExport(
  code: string,
  format: ExportFormat,
  group: ExportGroup,
  onProgress?: (job: Job) => void,
): Promise<string> {
  const answer = unwrap(
    await api.POST('/api/v1/campaigns/{code}/export-link', {
      params: { path: { code } },
      body: { format, group },
    }),
  );
  let link: ExportLink;
  if ('job_id' in answer) {
    const job = await followJob(answer.job_id, { onProgress });
    if (job.status !== 'succeeded') throw apiErrorOf(job.result, 500, job.error ?? 'the export failed');
    link = job.result as ExportLink;
  } else link = answer;
  followDownload(link.url, link.filename);
  return link.filename;
}
