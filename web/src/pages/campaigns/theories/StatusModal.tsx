import { Alert, App, Button, Flex, Input, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';

import { useChangeStatus, type Campaign, type StatusTarget } from './api';
import { statusName } from './status';

const { Text } = Typography;

const TARGETS: readonly StatusTarget[] = ['active', 'finished', 'cancelled'];

/** POST /status: the statuses the campaign may take now, what each does, a reason; the dialog is the confirmation. */
export function StatusModal({ campaign, open, onClose }: { campaign: Campaign; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const change = useChangeStatus();
  const allowed = TARGETS.filter((status) => campaign.allowed_statuses.includes(status));
  const [chosen, setChosen] = useState<StatusTarget | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  // One choice only: it is taken. Otherwise the user picks; nothing is preselected for a final step.
  const status = chosen ?? (allowed.length === 1 ? (allowed[0] ?? null) : null);

  const close = () => {
    setChosen(null);
    setReason('');
    setError(null);
    change.reset();
    onClose();
  };

  const confirm = async () => {
    if (!status) return;
    setError(null);
    try {
      await change.mutateAsync({ code: campaign.code, status, reason: reason.trim() || null });
      void message.success(t('theories.statusModal.changed', { code: campaign.code, status: statusName(status, t) }));
      close();
    } catch (caught) {
      setError(errorMessage(caught, t));
    }
  };

  return (
    <Modal
      open={open}
      title={t('theories.statusModal.title', { code: campaign.code })}
      onCancel={close}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={close}>{t('theories.statusModal.cancel')}</Button>
          <Button
            type="primary"
            danger={status === 'cancelled'}
            disabled={!status}
            loading={change.isPending}
            onClick={() => void confirm()}
            data-testid="status-confirm"
          >
            {t('theories.statusModal.ok')}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={12}>
        <Text type="secondary">{t('theories.statusModal.current', { status: statusName(campaign.effective_status, t) })}</Text>
        {error ? <Alert type="error" showIcon title={error} role="alert" /> : null}
        <Radio.Group
          value={status}
          onChange={(event) => setChosen(event.target.value as StatusTarget)}
          aria-label={t('theories.statusModal.choose')}
        >
          <Flex vertical gap={8}>
            {allowed.map((target) => (
              <Radio key={target} value={target} data-testid={`status-option-${target}`}>
                <Flex vertical>
                  <Text strong>{statusName(target, t)}</Text>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`theories.statusModal.effect.${target}`)}
                  </Text>
                </Flex>
              </Radio>
            ))}
          </Flex>
        </Radio.Group>
        <Input.TextArea
          aria-label={t('theories.statusModal.reason')}
          placeholder={t('theories.statusModal.reason')}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          maxLength={500}
          autoSize={{ minRows: 2, maxRows: 4 }}
        />
      </Flex>
    </Modal>
  );
}
