import { leadOf, type CampaignSummary } from './api';

/**
 * One page of the list with each arm of an A/B/n experiment right after its lead, in arm order,
 * when the lead is on the page too (the server sorts and pages; grouping is within the page).
 * An arm whose lead is on another page keeps its place.
 */
export function groupArms(items: CampaignSummary[]): CampaignSummary[] {
  const onPage = new Set(items.map((item) => item.code));
  const armsOf = new Map<string, CampaignSummary[]>();
  for (const item of items) {
    const lead = leadOf(item);
    if (lead && onPage.has(lead)) armsOf.set(lead, [...(armsOf.get(lead) ?? []), item]);
  }
  const rows: CampaignSummary[] = [];
  for (const item of items) {
    const lead = leadOf(item);
    if (lead && onPage.has(lead)) continue;
    rows.push(item);
    const arms = armsOf.get(item.code) ?? [];
    rows.push(...arms.sort((a, b) => (a.arm ?? '').localeCompare(b.arm ?? '')));
  }
  return rows;
}
