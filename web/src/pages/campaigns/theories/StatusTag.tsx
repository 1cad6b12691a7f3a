import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

import { STATUS_COLORS, statusHint, statusName, type StatusOf } from './status';

/** What the campaign is doing today, coloured; the tooltip says when it starts or ended, and the stored status. */
export function StatusTag({ campaign }: { campaign: StatusOf }) {
  const { t, i18n } = useTranslation();
  const hint = statusHint(campaign, t, i18n.resolvedLanguage ?? 'ru');
  const tag = (
    <Tag
      color={STATUS_COLORS[campaign.effective_status] ?? 'default'}
      style={{ marginInlineEnd: 0 }}
      data-testid="campaign-status"
      data-status={campaign.effective_status}
    >
      {statusName(campaign.effective_status, t)}
    </Tag>
  );
  return hint ? <Tooltip title={hint}>{tag}</Tooltip> : tag;
}
