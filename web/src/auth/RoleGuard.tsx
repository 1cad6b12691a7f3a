import { Button, Card, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useNavigate } from 'react-router';

import { roleAllows } from './roles';
import type { Role } from './session';
import { useCurrentUser } from './useSession';

/** The page a signed-in user sees at an address their role may not open. */
export function ForbiddenPage({ required }: { required: Role }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useCurrentUser();
  return (
    <Card>
      <Result
        status="403"
        title={t('forbidden.title')}
        subTitle={t('forbidden.subtitle', {
          required: t(`roles.${required}`),
          role: user ? t(`roles.${user.role}`) : '—',
        })}
        extra={
          <Button type="primary" onClick={() => void navigate('/datasets')}>
            {t('forbidden.home')}
          </Button>
        }
      />
    </Card>
  );
}

/**
 * Shows its children (or the nested routes) only to `minRole` and above; others get the
 * "Недостаточно прав" page. The server checks roles on every call anyway: this spares the user a
 * page of 403 errors. Use it as a route element (`{ element: <RoleGuard minRole="admin" />, children }`)
 * or around a part of a page.
 */
export function RoleGuard({ minRole, children }: { minRole: Role | null | undefined; children?: ReactNode }) {
  const user = useCurrentUser();
  if (minRole && !roleAllows(user?.role, minRole)) return <ForbiddenPage required={minRole} />;
  return children ?? <Outlet />;
}
