import i18n from '..';
import { renderCode } from './render';

describe('renderCode', () => {
  afterEach(async () => {
    await i18n.changeLanguage('ru');
  });

  it('renders a server code with its params, numbers formatted for the language', async () => {
    const params = { limit: 5000 };
    await i18n.changeLanguage('ru');
    expect(renderCode(i18n.t, 'ru', 'funnel.step.limit', params)).toBe('Не больше 5\u202f000');
    await i18n.changeLanguage('kk');
    expect(renderCode(i18n.t, 'kk', 'funnel.step.limit', params)).toBe('Ең көбі 5\u202f000');
    await i18n.changeLanguage('en');
    expect(renderCode(i18n.t, 'en', 'funnel.step.limit', params)).toBe('At most 5,000');
    expect(renderCode(i18n.t, 'en', 'funnel.step.list', { list: 'vip', name: 'VIP клиенты' })).toBe(
      'Suppression list: VIP клиенты',
    );
  });

  it('shows the code itself when no catalog has it', () => {
    expect(renderCode(i18n.t, 'ru', 'funnel.step.unheard_of')).toBe('funnel.step.unheard_of');
  });
});
