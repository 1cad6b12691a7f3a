import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../test/renderApp';
import { changedValues } from './useRuntimeSettings';

configure({ asyncUtilTimeout: 5_000 });

const VALUES = {
  upload_max_mb: 50,
  upload_job_threshold_mb: 5,
  upload_max_rows: 5_000_000,
  default_control_share: 0.1,
  deploy_job_threshold_rows: 200_000,
  notification_recipients: [],
  distribution_time: '09:00',
  distribution_enabled: true,
};

describe('the settings page', () => {
  it('sends only what changed, with the control share as a fraction', async () => {
    const sent: unknown[] = [];
    mockFetch(async (url, request) => {
      if (url.pathname === '/api/v1/health') return { body: { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } } };
      if (url.pathname !== '/api/v1/admin/settings') return undefined;
      if (request.method === 'PUT') {
        const body = await request.json();
        sent.push(body);
        return {
          body: {
            values: { ...VALUES, ...body },
            defaults: VALUES,
            changed: [{ key: 'default_control_share', updated_at: '2026-12-07T09:00:00Z', updated_by: 'test-admin' }],
          },
        };
      }
      return { body: { values: VALUES, defaults: VALUES, changed: [] } };
    });
    const user = userEvent.setup();
    renderApp('/admin/settings');
    const share = await screen.findByLabelText('Доля контрольной группы по умолчанию, %');
    await waitFor(() => expect((share as HTMLInputElement).value).toBe('10.0'));
    await user.clear(share);
    await user.type(share, '25');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(sent).toEqual([{ default_control_share: 0.25 }]));
    expect(await screen.findByTestId('setting-changed-default_control_share')).toHaveTextContent('test-admin');
  });

  it('is in the admin menu only', async () => {
    mockFetch(() => undefined);
    renderApp('/admin/settings', { as: 'analyst' });
    expect(screen.queryByTestId('settings-form')).not.toBeInTheDocument();
  });
});

describe('changedValues', () => {
  it('keeps the keys whose value differs', () => {
    expect(changedValues(VALUES, { ...VALUES, notification_recipients: ['a@b.kz'] })).toEqual({ notification_recipients: ['a@b.kz'] });
    expect(changedValues(VALUES, VALUES)).toEqual({});
  });
});
