import type { UploadPurpose } from './types';

export const PURPOSE_COLORS: Record<UploadPurpose, string> = {
  audience: 'geekblue',
  suppression: 'volcano',
};
