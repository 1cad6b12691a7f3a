import { smsLength } from './sms';

describe('smsLength: the rules of the backend (sms.py)', () => {
  it('counts GSM-7 text in 160-character segments, 153 once split', () => {
    expect(smsLength('')).toEqual({ encoding: 'gsm7', characters: 0, segments: 0, per_segment: 160 });
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'gsm7', characters: 160, segments: 1, per_segment: 160 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'gsm7', characters: 161, segments: 2, per_segment: 153 });
    expect(smsLength('a'.repeat(307)).segments).toBe(3);
  });

  it('counts the extension characters twice', () => {
    expect(smsLength('€[]').characters).toBe(6);
    expect(smsLength('{'.repeat(81)).segments).toBe(2);
  });

  it('switches the whole text to UCS-2 at one Cyrillic or Kazakh letter: 70, then 67 a segment', () => {
    expect(smsLength(`${'a'.repeat(69)}ы`)).toEqual({ encoding: 'ucs2', characters: 70, segments: 1, per_segment: 70 });
    expect(smsLength(`${'a'.repeat(70)}ә`)).toEqual({ encoding: 'ucs2', characters: 71, segments: 2, per_segment: 67 });
    expect(smsLength('«Кешбэк»').encoding).toBe('ucs2');
  });

  it('counts an emoji as two UTF-16 units', () => {
    expect(smsLength('🙂')).toEqual({ encoding: 'ucs2', characters: 2, segments: 1, per_segment: 70 });
  });
});
