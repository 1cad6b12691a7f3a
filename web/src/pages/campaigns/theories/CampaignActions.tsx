import { CopyOutlined, DeleteOutlined, DownloadOutlined, EditOutlined, SwapOutlined, TeamOutlined } from '@ant-design/icons';
import { Button, Flex, Tooltip, type ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { RoleButton } from '../../../auth/RoleButton';
import type { Role } from '../../../auth/session';
import { useHasRole } from '../../../auth/useSession';
import type { Campaign } from './api';
import { CopyCampaignModal } from './CopyCampaignModal';
import { DeleteCampaignModal } from './DeleteCampaignModal';
import { ExportModal } from './ExportModal';
import { statusName } from './status';
import { MembersModal } from './MembersModal';
import { StatusModal } from './StatusModal';

/**
 * A button for an action that needs a role and may be refused by the campaign's state: below the
 * role it is RoleButton's (disabled, naming the role); with the role but refused, disabled with
 * the reason in a tooltip.
 */
function ActionButton({ minRole, blocked, ...props }: ButtonProps & { minRole: Role; blocked?: string | null }) {
  const allowed = useHasRole(minRole);
  if (!allowed || !blocked) return <RoleButton minRole={minRole} {...props} />;
  return (
    <Tooltip title={blocked}>
      {/* A disabled button fires no mouse events; the span lets the tooltip show. */}
      <span style={{ display: 'inline-block', cursor: 'not-allowed' }}>
        <Button {...props} disabled style={{ ...props.style, pointerEvents: 'none' }} />
      </span>
    </Tooltip>
  );
}

type Dialog = 'copy' | 'status' | 'members' | 'export' | 'delete' | null;

const LIVE = ['deployed', 'active'];
const FINAL = ['finished', 'cancelled'];

/**
 * What may be done with a campaign, by role and by the campaign's state: `user` only reads and
 * exports; analysts copy any campaign and manage their own (`can_edit`); admins manage all and
 * alone delete. The server decides in the end; these only spare a refusal.
 */
export function CampaignActions({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog>(null);

  const notOwner = campaign.can_edit ? null : t('theories.actions.notOwner', { owner: campaign.owner });
  const statusBlocked =
    notOwner ??
    (campaign.allowed_statuses.length > 0
      ? null
      : FINAL.includes(campaign.status)
        ? t('theories.actions.finalStatus', { status: statusName(campaign.status, t) })
        : t('theories.actions.noStatus'));
  const membersBlocked = notOwner ?? (LIVE.includes(campaign.status) ? null : t('theories.actions.membersOnlyLive'));
  const exportBlocked = campaign.status === 'draft' ? t('theories.actions.exportDraft') : null;

  return (
    <>
      <Flex wrap gap={8} role="group" aria-label={t('theories.actions.label')}>
        {campaign.status === 'draft' ? (
          <ActionButton
            minRole="analyst"
            blocked={notOwner}
            type="primary"
            icon={<EditOutlined />}
            onClick={() => void navigate(`/campaigns/new?draft=${encodeURIComponent(campaign.code)}`)}
            data-testid="action-resume"
          >
            {t('theories.actions.resume')}
          </ActionButton>
        ) : null}
        <RoleButton
          minRole="analyst"
          icon={<CopyOutlined />}
          onClick={() => setDialog('copy')}
          title={t('theories.actions.copyHint')}
          data-testid="action-copy"
        >
          {t('theories.actions.copy')}
        </RoleButton>
        <ActionButton
          minRole="analyst"
          blocked={statusBlocked}
          icon={<SwapOutlined />}
          onClick={() => setDialog('status')}
          data-testid="action-status"
        >
          {t('theories.actions.status')}
        </ActionButton>
        <ActionButton
          minRole="analyst"
          blocked={membersBlocked}
          icon={<TeamOutlined />}
          onClick={() => setDialog('members')}
          data-testid="action-members"
        >
          {t('theories.actions.members')}
        </ActionButton>
        <ActionButton
          minRole="user"
          blocked={exportBlocked}
          icon={<DownloadOutlined />}
          onClick={() => setDialog('export')}
          data-testid="action-export"
        >
          {t('theories.actions.export')}
        </ActionButton>
        <RoleButton
          minRole="admin"
          danger
          icon={<DeleteOutlined />}
          onClick={() => setDialog('delete')}
          data-testid="action-delete"
        >
          {t('theories.actions.delete')}
        </RoleButton>
      </Flex>

      {dialog === 'copy' ? <CopyCampaignModal campaign={campaign} open onClose={() => setDialog(null)} /> : null}
      <StatusModal campaign={campaign} open={dialog === 'status'} onClose={() => setDialog(null)} />
      <MembersModal campaign={campaign} open={dialog === 'members'} onClose={() => setDialog(null)} />
      <ExportModal campaign={campaign} open={dialog === 'export'} onClose={() => setDialog(null)} />
      <DeleteCampaignModal code={campaign.code} open={dialog === 'delete'} onClose={() => setDialog(null)} />
    </>
  );
}
