/** The id of a field's control, from its path: stable, so that labels, errors and tests find it. */
export function fieldId(field: string): string {
  return `campaign-${field.replace(/[._]/g, '-')}`;
}

/** The props that tie a control to its label and its error message. */
export function controlProps(field: string, error: string | undefined, required = false) {
  return {
    id: fieldId(field),
    status: error ? ('error' as const) : undefined,
    'aria-invalid': error ? true : undefined,
    'aria-required': required || undefined,
    'aria-describedby': error ? `${fieldId(field)}-error` : undefined,
  };
}

/**
 * Moves the keyboard to a field's control (the first input, textarea or button inside it when
 * the id is on a wrapper, e.g. a checkbox group).
 */
export function focusField(field: string): void {
  const element = document.getElementById(fieldId(field));
  if (!element) return;
  const target = element.matches('input, textarea, button, [tabindex]')
    ? element
    : element.querySelector<HTMLElement>('input, textarea, button, [tabindex]');
  target?.focus();
  target?.scrollIntoView?.({ block: 'center' });
}
