import { Button, Tooltip, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';

import type { Role } from './session';
import { useHasRole } from './useSession';

/**
 * A button for an action that needs a role: disabled, with a tooltip naming the role, for users
 * below it. (Hide the action instead when its presence would only confuse.)
 */
export function RoleButton({ minRole, ...props }: ButtonProps & { minRole: Role }) {
  const { t } = useTranslation();
  const allowed = useHasRole(minRole);
  if (allowed) return <Button {...props} />;
  return (
    <Tooltip title={t('roleRequired', { role: t(`roles.${minRole}`) })}>
      {/* A disabled button fires no mouse events; the span lets the tooltip show. */}
      <span style={{ display: 'inline-block', cursor: 'not-allowed' }}>
        <Button {...props} disabled style={{ ...props.style, pointerEvents: 'none' }} />
      </span>
    </Tooltip>
  );
}
