import { CATALOGS, LANGUAGES } from '.';
import serverCodes from './server-codes.json';

/** The text of `codes.<code>` in a catalog, or undefined: the dots of a code nest its key. */
function textOf(catalog: unknown, code: string): unknown {
  return ['codes', ...code.split('.')].reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    catalog,
  );
}

describe('the server codes (scripts/server_codes.py → server-codes.json)', () => {
  it('are found by the scan', () => {
    expect(serverCodes.length).toBeGreaterThan(40);
    expect(serverCodes).toContain('funnel.source.feature_store');
  });

  for (const language of LANGUAGES) {
    it(`${language}: has a text for every code`, () => {
      const missing = serverCodes.filter((code) => {
        const text = textOf(CATALOGS[language], code);
        return typeof text !== 'string' || !text.trim();
      });
      expect(missing).toEqual([]);
    });
  }
});
