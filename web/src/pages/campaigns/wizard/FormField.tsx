import { Typography } from 'antd';
import type { ReactNode } from 'react';

import { fieldId } from './fields';

const labelStyle = { display: 'block', marginBottom: 4, fontWeight: 500 } as const;

/**
 * A labelled control of the wizard: the label names the control (its id comes from the field's
 * path), and the field's error, when there is one, is shown under it and described to assistive
 * technology (see `controlProps`).
 */
export function FormField({
  field,
  label,
  required,
  hint,
  error,
  children,
  asGroup,
}: {
  field: string;
  label: ReactNode;
  required?: boolean;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  /** A group of checkboxes: a fieldset with a legend instead of a label. */
  asGroup?: boolean;
}) {
  const id = fieldId(field);
  const caption = (
    <>
      {label}
      {required ? (
        <Typography.Text type="danger" aria-hidden>
          {' *'}
        </Typography.Text>
      ) : null}
    </>
  );
  const below = error ? (
    <Typography.Text
      type="danger"
      id={`${id}-error`}
      data-testid="field-error"
      style={{ display: 'block', fontSize: 12, marginTop: 2 }}
    >
      {error}
    </Typography.Text>
  ) : hint ? (
    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 2 }}>
      {hint}
    </Typography.Text>
  ) : null;
  if (asGroup)
    return (
      <fieldset
        data-field={field}
        style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        <legend style={{ ...labelStyle, fontSize: 'inherit', border: 0, padding: 0, width: 'auto' }}>{caption}</legend>
        {children}
        {below}
      </fieldset>
    );
  return (
    <div data-field={field} style={{ minWidth: 0 }}>
      <label htmlFor={id} style={labelStyle}>
        {caption}
      </label>
      {children}
      {below}
    </div>
  );
}
