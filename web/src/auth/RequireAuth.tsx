import { useQueryClient } from '@tanstack/react-query';
import { Flex, Spin, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';

import { loginPathFor } from './nextPath';
import { session } from './session';
import { useSession } from './useSession';

/** A whole-page spinner while a stored session is being restored. */
export function SessionSpinner() {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16} align="center" justify="center" style={{ minHeight: '100vh' }} data-testid="session-restoring">
      <Spin size="large" />
      <Typography.Text type="secondary">{t('login.restoring')}</Typography.Text>
    </Flex>
  );
}

/**
 * Renders its children only for a signed-in user. With a stored refresh token it first signs in
 * silently; without a session it sends the user to /login?next=<here>, and forgets every cached
 * answer of the API, so that nothing of the previous user can be shown again (e.g. by Back).
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (status === 'restoring') void session.restore();
    if (status === 'signedOut') queryClient.clear();
  }, [status, queryClient]);

  if (status === 'restoring') return <SessionSpinner />;
  if (status === 'signedOut') return <Navigate to={loginPathFor(location)} replace />;
  return children;
}
