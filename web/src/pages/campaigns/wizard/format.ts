/** The control share (a fraction, what the API takes) as the percent the form shows: 0.205 → 20.5. */
export function shareToPercent(share: number): number {
  return Math.round(share * 1000) / 10;
}

/** A percent typed in the form (at most one decimal kept) as the fraction the API takes: 20.5 → 0.205. */
export function percentToShare(percent: number): number {
  return Math.round(percent * 10) / 1000;
}
