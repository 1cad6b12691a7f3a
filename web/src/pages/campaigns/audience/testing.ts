/** What the builder's tests share: options with nothing in them but what a test adds, a spec. */
import { THIN_SPACE } from '../../../lib/format';
import type { AudienceOptions, AudienceSpec } from './types';

/** Keep the thin spaces: the default normalization would turn them into plain ones. */
export const keep = { normalizeWhitespace: false };
/** A count as the page writes it (thin spaces between digit groups). */
export const n = (text: string) => text.replace(/ /g, THIN_SPACE);
/** This machine can be slow: a debounced request, its answer and the re-render may take a while. */
export const slow = { timeout: 10_000 };

export const DEFAULT_SPEC: AudienceSpec = {
  version: 1,
  reference_date: '2026-11-28',
  source: { kind: 'feature_store' },
  filters: [{ kind: 'suppression', list: 'global_control' }],
  rank: null,
};

/** The options API's answer: a feature store of 20 000 and the global control group, plus `change`. */
export function optionsWith(change: Partial<AudienceOptions> = {}): AudienceOptions {
  return {
    feature_store: { loaded: true, customers: 20_000, columns: ['iin'] },
    suppression_lists: [
      { name: 'global_control', category: 'blacklist', description: 'Глобальная контрольная группа', row_count: 1_012, purpose: null, default: true },
    ],
    uploads: [],
    products: [],
    score_columns: [],
    streams: [],
    filials: [],
    push_event_types: [],
    channels: [],
    genders: ['M', 'F'],
    devices: ['android', 'ios', 'none'],
    audiences: [],
    default_spec: DEFAULT_SPEC,
    ...change,
  } as AudienceOptions;
}
