import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';

import { ApiError, errorMessage } from '../api/errors';

interface ErrorAlertProps {
  /** What failed, e.g. "Could not load datasets". */
  title: string;
  error: unknown;
  onRetry?: () => void;
}

/** Shows a failed API call with the server's own explanation (`detail`) and a retry button. */
export function ErrorAlert({ title, error, onRetry }: ErrorAlertProps) {
  const { t } = useTranslation();
  // A 401 that reaches a page means the session could not be renewed (the app is on its way to
  // the login page): say so plainly rather than show the server's technical detail.
  const unauthenticated = error instanceof ApiError && error.status === 401;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title}
      description={unauthenticated ? t('errors.unauthenticated') : errorMessage(error, t)}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('errors.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
