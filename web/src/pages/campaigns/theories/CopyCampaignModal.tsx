import { App, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { errorMessage } from '../../../api/errors';
import { useCopyCampaign, type Campaign } from './api';

const MAX_NAME = 200;

/** The copy's name, then the wizard on the copy: a copy is a draft to finish, not a dead end. */
export function CopyCampaignModal({ campaign, open, onClose }: { campaign: Campaign; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const copy = useCopyCampaign();
  const [name, setName] = useState(() => t('theories.copyModal.defaultName', { name: campaign.name }).slice(0, MAX_NAME));

  const run = async () => {
    try {
      const created = await copy.mutateAsync({ code: campaign.code, name: name.trim() });
      void message.success(t('theories.actions.copied', { code: created.code, from: campaign.code }));
      onClose();
      void navigate(`/campaigns/new?draft=${encodeURIComponent(created.code)}`);
    } catch (error) {
      void message.error(`${t('theories.actions.copyFailed')}: ${errorMessage(error, t)}`);
    }
  };

  return (
    <Modal
      open={open}
      title={t('theories.copyModal.title', { code: campaign.code })}
      okText={t('theories.copyModal.ok')}
      cancelText={t('theories.copyModal.cancel')}
      okButtonProps={{ disabled: !name.trim(), loading: copy.isPending }}
      onOk={() => void run()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('theories.copyModal.hint')}</Typography.Paragraph>
      <label>
        <Typography.Text>{t('theories.copyModal.name')}</Typography.Text>
        <Input
          value={name}
          maxLength={MAX_NAME}
          onChange={(event) => setName(event.target.value)}
          onPressEnter={() => void run()}
          data-testid="copy-name"
          style={{ marginTop: 4 }}
        />
      </label>
    </Modal>
  );
}
