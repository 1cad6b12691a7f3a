import type { Messages } from '../../i18n/ru';

export type DatasetCategory = keyof Messages['datasets']['category'];

/** One antd preset colour per catalog category, so a category reads the same everywhere. */
export const CATEGORY_COLORS: Record<DatasetCategory, string> = {
  feature_store: 'blue',
  blacklist: 'red',
  abc_model: 'purple',
  push: 'cyan',
  product: 'green',
  analytics: 'geekblue',
  pool: 'gold',
  upload: 'orange',
};

export function isKnownCategory(category: string): category is DatasetCategory {
  return Object.hasOwn(CATEGORY_COLORS, category);
}
