import { Alert, App, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../api/errors';
import { useDeleteUser } from './useUsers';

/** Deleting a user asks for the admin's own password again (the server checks it; wrong → 403). */
export function DeleteUserModal({ username, onClose }: { username: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const remove = useDeleteUser();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setPassword('');
    setError(null);
    remove.reset();
    onClose();
  };

  const confirm = async () => {
    if (!username || !password) return;
    setError(null);
    try {
      await remove.mutateAsync({ username, password });
      void message.success(t('users.deleted', { username }));
      close();
    } catch (caught) {
      setError(errorMessage(caught, t));
    }
  };

  return (
    <Modal
      open={username !== null}
      title={t('users.deleteTitle', { username })}
      okText={t('users.delete')}
      okButtonProps={{ danger: true, disabled: !password }}
      cancelText={t('users.cancel')}
      onOk={() => void confirm()}
      onCancel={close}
      confirmLoading={remove.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('users.deleteText')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} /> : null}
      <Input.Password
        aria-label={t('users.yourPassword')}
        placeholder={t('users.yourPassword')}
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        onPressEnter={() => void confirm()}
        autoFocus
      />
    </Modal>
  );
}
