import { Typography } from 'antd';
import type { ReactNode } from 'react';

const labelStyle = { display: 'block', marginBottom: 4, fontWeight: 500 } as const;

/** A labelled control: the label names the control whose `id` is `htmlFor`. */
export function Field({
  htmlFor,
  label,
  hint,
  children,
  width,
}: {
  htmlFor: string;
  label: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  width?: number | string;
}) {
  return (
    <div style={{ width, minWidth: 0 }}>
      <label htmlFor={htmlFor} style={labelStyle}>
        {label}
      </label>
      {children}
      {hint ? (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 2 }}>
          {hint}
        </Typography.Text>
      ) : null}
    </div>
  );
}

/** A labelled group of checkboxes or radios: a fieldset whose legend names the group. */
export function GroupField({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
      <legend style={{ ...labelStyle, fontSize: 'inherit', border: 0, padding: 0, width: 'auto' }}>{label}</legend>
      {children}
    </fieldset>
  );
}
