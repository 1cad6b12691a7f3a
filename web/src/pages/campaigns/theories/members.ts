/**
 * Values pasted into the members box, one IIN each: split at line breaks, spaces, tabs, commas
 * and semicolons — except Excel's scientific notation with a decimal comma (`6,1211600012E+11`),
 * which stays one value for the server to normalise. Nothing else is judged here.
 */
export function pastedValues(text: string): string[] {
  return Array.from(text.matchAll(/\d+,\d+e\+?\d+|[^\s,;]+/gi), (match) => match[0]);
}
