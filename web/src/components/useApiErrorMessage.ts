import { App } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../api/errors';

/**
 * For actions (mutations): returns a function that shows a failed call as an antd message toast
 * with the server's detail. Use `<ErrorAlert>` instead for a failed page load.
 */
export function useApiErrorMessage(): (error: unknown) => void {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback((error: unknown) => void message.error(errorMessage(error, t)), [message, t]);
}
