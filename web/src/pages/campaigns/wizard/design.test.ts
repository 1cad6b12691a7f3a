import { describe, expect, it } from 'vitest';

import { DEFAULT_DESIGN, designBody, designOf, groupName } from './design';

describe('the A/B/n design of the split step', () => {
  it('sends nothing when never touched, and clears the design when turned off', () => {
    expect(designBody(undefined)).toEqual({});
    expect(designBody({ ...DEFAULT_DESIGN, enabled: false })).toEqual({ groups: null, strata: [], rerandomize: null });
  });

  it('sends the groups as fractions with their names, the strata and the salts', () => {
    const body = designBody({ enabled: true, shares: [20, 40, 40], strata: ['gender', 'score_credit'], rerandomize: 250 });
    expect(body).toEqual({
      groups: [
        { name: 'control', share: 0.2 },
        { name: 'A', share: 0.4 },
        { name: 'B', share: 0.4 },
      ],
      strata: ['gender', 'score_credit'],
      rerandomize: 250,
    });
    expect([0, 1, 4].map(groupName)).toEqual(['control', 'A', 'D']);
  });

  it('reads a stored experiment back into the form', () => {
    expect(designOf(null)).toBeUndefined();
    expect(designOf({ groups: [{ share: 0.3 }, { share: 0.35 }, { share: 0.35 }], strata: ['mau'], rerandomize: 100 })).toEqual({
      enabled: true,
      shares: [30, 35, 35],
      strata: ['mau'],
      rerandomize: 100,
    });
  });
});
