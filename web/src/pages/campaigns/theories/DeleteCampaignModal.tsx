import { Alert, App, Button, Flex, Input, Modal, Typography } from 'antd';
import type { InputRef } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { errorMessage } from '../../../api/errors';

import { useDeleteCampaign } from './api';


/**
 * Deleting a campaign asks for the admin's own password again (the server checks it; wrong →
 * 403, said here). Gone, the campaign's page has nothing to show: back to the list.
 */
export function DeleteCampaignModal({ code, open, onClose }: { code: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const remove = useDeleteCampaign();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const passwordRef = useRef<InputRef>(null);

  const close = () => {
    setPassword('');
    setError(null);
    remove.reset();
    onClose();
  };

  const confirm = async () => {
    if (!password || remove.isPending) return;
    setError(null);
    try {
      await remove.mutateAsync({ code, password });
      void message.success(t('theories.deleteModal.deleted', { code }));
      close();
      void navigate('/campaigns', { replace: true });
    } catch (caught) {
      setError(errorMessage(caught, t));
      // A wrong password stays typed but selected, the cursor in the field: typing replaces it.
      passwordRef.current?.focus({ cursor: 'all' });
    }
  };

  return (
    <Modal
      open={open}
      title={t('theories.deleteModal.title', { code })}
      onCancel={close}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={close}>{t('theories.deleteModal.cancel')}</Button>
          <Button
            type="primary"
            danger
            disabled={!password}
            loading={remove.isPending}
            onClick={() => void confirm()}
            data-testid="delete-confirm"
          >
            {t('theories.deleteModal.ok')}
          </Button>
        </Flex>
      }
    >
      <Typography.Paragraph>{t('theories.deleteModal.text')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 12 }} /> : null}
      <Input.Password
        aria-label={t('theories.deleteModal.password')}
        placeholder={t('theories.deleteModal.password')}
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        onPressEnter={() => void confirm()}
        autoFocus
        ref={passwordRef}
        data-testid="delete-password"
      />
    </Modal>
  );
}
