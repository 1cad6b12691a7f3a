import type { DesignForm } from './types';

/** The stratified A/B/n design of the split step: its defaults and its API form. */
export const DEFAULT_DESIGN: DesignForm = { enabled: false, shares: [20, 40, 40], strata: ['gender', 'age_band'], rerandomize: 100 };

/** Default names of the groups: control, then A, B, … */
export function groupName(index: number): string {
  return index === 0 ? 'control' : String.fromCharCode(64 + index);
}

/** The design's fields of the split preview and the draft (none when it is off). */
export function designBody(design: DesignForm | undefined): {
  groups?: { name: string; share: number }[] | null;
  strata?: string[];
  rerandomize?: number | null;
} {
  // Never touched: nothing sent (the plain split). Turned off: sent as off, so an edit clears it.
  if (design === undefined) return {};
  if (!design.enabled) return { groups: null, strata: [], rerandomize: null };
  return {
    groups: design.shares.map((share, index) => ({ name: groupName(index), share: share / 100 })),
    strata: design.strata,
    rerandomize: design.rerandomize,
  };
}

export function designOf(
  experiment: { groups: { share: number }[]; strata: string[]; rerandomize: number } | null,
): DesignForm | undefined {
  if (!experiment) return undefined;
  return {
    enabled: true,
    shares: experiment.groups.map((g) => Math.round(g.share * 1000) / 10),
    strata: experiment.strata,
    rerandomize: experiment.rerandomize,
  };
}

