import { theme } from 'antd';
import { useMemo } from 'react';

import type { ChartColors } from './charts';

/** The theme's colours the charts draw with (a stable object while the theme stays). */
export function useChartColors(): ChartColors {
  const { token } = theme.useToken();
  const { colorPrimary, colorPrimaryBorder, colorText, colorTextSecondary, colorSplit } = token;
  return useMemo(
    () => ({
      primary: colorPrimary,
      planned: colorPrimaryBorder,
      text: colorText,
      secondary: colorTextSecondary,
      split: colorSplit,
    }),
    [colorPrimary, colorPrimaryBorder, colorText, colorTextSecondary, colorSplit],
  );
}
