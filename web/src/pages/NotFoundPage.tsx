import { Button, Card, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';

export function NotFoundPage() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  return (
    <Card>
      <Result
        status="404"
        title={t('notFound.title')}
        subTitle={t('notFound.subtitle', { path: pathname })}
        extra={
          <Button type="primary" onClick={() => void navigate('/datasets')}>
            {t('notFound.home')}
          </Button>
        }
      />
    </Card>
  );
}
