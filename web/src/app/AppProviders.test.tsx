import { act, render } from '@testing-library/react';
import { Empty } from 'antd';

import i18n from '../i18n';
import { createQueryClient } from '../lib/queryClient';
import { AppProviders } from './AppProviders';

describe('AppProviders', () => {
  it("gives antd's own texts the interface language", async () => {
    const { container } = render(
      <AppProviders queryClient={createQueryClient()}>
        <Empty />
      </AppProviders>,
    );
    const description = () => container.querySelector('.ant-empty-description');
    expect(description()).toHaveTextContent('Нет данных');
    await act(() => i18n.changeLanguage('kk'));
    expect(description()).toHaveTextContent('Деректер жоқ');
    await act(() => i18n.changeLanguage('en'));
    expect(description()).toHaveTextContent('No data');
  });
});
