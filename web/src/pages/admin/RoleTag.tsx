import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

import { ROLE_COLORS } from '../../auth/roles';
import type { Role } from '../../auth/session';

export function RoleTag({ role }: { role: Role }) {
  const { t } = useTranslation();
  return (
    <Tag color={ROLE_COLORS[role]} data-role={role} style={{ marginInlineEnd: 0 }}>
      {t(`roles.${role}`)}
    </Tag>
  );
}
