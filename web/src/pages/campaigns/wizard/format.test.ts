import { percentToShare, shareToPercent } from './format';

describe('campaign wizard share conversion', () => {
  it('turns the typed percent into the fraction the API takes, and back, without float noise', () => {
    expect(percentToShare(20)).toBe(0.2);
    expect(percentToShare(12.5)).toBe(0.125);
    expect(percentToShare(7.25)).toBe(0.073);
    expect(percentToShare(33.3)).toBe(0.333);
    expect(shareToPercent(0.1)).toBe(10);
    expect(shareToPercent(0.205)).toBe(20.5);
    expect(shareToPercent(0.07)).toBe(7);
  });
});
