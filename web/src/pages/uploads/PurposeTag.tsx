import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

import type { UploadPurpose } from './types';

const PURPOSE_COLORS: Record<UploadPurpose, string> = {
  audience: 'geekblue',
  suppression: 'volcano',
};

/** What a file is for (an audience, or people to leave out), in the colour the uploads pages use for it. */
export function PurposeTag({ purpose }: { purpose: UploadPurpose }) {
  const { t } = useTranslation();
  return <Tag color={PURPOSE_COLORS[purpose]}>{t(`uploads.purposes.${purpose}`)}</Tag>;
}
