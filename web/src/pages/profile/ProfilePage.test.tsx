import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../test/renderApp';

configure({ asyncUtilTimeout: 5_000 });

const KINDS = ['deploy_done', 'deploy_failed', 'distribution_report'];

describe('Profile: notification choices', () => {
  it('saves the mail language and the kinds', async () => {
    const saved: unknown[] = [];
    mockFetch(async (url, request) => {
      if (url.pathname === '/api/v1/health') return { body: { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } } };
      if (url.pathname === '/api/v1/notifications/preferences') {
        if (request.method === 'PUT') {
          const body = (await request.json()) as { language: string; kinds: Record<string, boolean> };
          saved.push(body);
          return { body: { ...body, available: KINDS, email: 'anna@bank.kz' } };
        }
        return { body: { language: 'ru', kinds: Object.fromEntries(KINDS.map((k) => [k, true])), available: KINDS, email: 'anna@bank.kz' } };
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/profile', { as: 'analyst' });
    expect(await screen.findByText(/anna@bank\.kz/)).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Казахский' }));
    await user.click(screen.getByRole('checkbox', { name: 'Кампания развёрнута' }));
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(saved).toEqual([{ language: 'kz', kinds: { deploy_done: false, deploy_failed: true, distribution_report: true } }]),
    );
  });
});
