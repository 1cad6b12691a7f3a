import { ToolOutlined } from '@ant-design/icons';
import { Card, Result } from 'antd';
import { useTranslation } from 'react-i18next';

import type { Messages } from '../i18n/ru';

export type UnbuiltSection = keyof Omit<Messages['wip'], 'title'>;

/** An honest page for a section that is not built yet: its name and what it will do. */
export function UnderConstructionPage({ section }: { section: UnbuiltSection }) {
  const { t } = useTranslation();
  return (
    <Card>
      <Result
        icon={<ToolOutlined />}
        title={t(`nav.${section}`)}
        subTitle={
          <>
            <strong>{t('wip.title')}.</strong> {t(`wip.${section}`)}
          </>
        }
      />
    </Card>
  );
}
