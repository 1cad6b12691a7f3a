import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { AUDIENCE, campaignOf, mockBackend, renderWizard } from './testing';
import type { CampaignCreate } from './types';

configure({ asyncUtilTimeout: 15_000 });

const BODY: CampaignCreate = {
  type: 'RB1',
  name: 'Копия: Кешбэк на путешествия',
  description: null,
  stream: 'travel',
  channels: ['push', 'sms'],
  texts: {
    ru: { title: 'Кешбэк 5 %', body: 'Оплачивайте билеты картой', sms: 'Кешбэк 5 %' },
    kz: { title: '5 % кешбэк', body: 'Билеттерді картамен төлеңіз', sms: null },
  },
  deep_link: null,
  start_date: '2030-01-10',
  end_date: '2030-01-24',
  product_code: null,
  audience_id: 'a1',
  control_share: 0.2,
  split_seed: 77,
  pool_share: false,
  cost_per_contact: 12.5,
  push_event_type: null,
  rb3: null,
  popup: null,
};

describe('Campaign wizard: a saved draft resumed', { timeout: 60_000 }, () => {
  it('opens the draft at its review with every field as saved, and saves only a change', async () => {
    const backend = mockBackend({
      'GET /api/v1/campaigns/C000000042': () => ({ body: campaignOf(BODY) }),
      'GET /api/v1/audiences/a1': () => ({ body: { ...AUDIENCE, version: 2 } }),
    });
    const user = userEvent.setup();
    renderWizard('/campaigns/new?draft=C000000042');
    expect(await screen.findByText('Черновик C000000042')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'review'));
    expect(await screen.findByTestId('dry-run')).toBeInTheDocument();

    // Back to the details: the saved texts, the SMS text of its own included.
    await user.click(screen.getByText('Параметры'));
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'details'));
    expect(screen.getByTestId('details-body-ru')).toHaveValue('Оплачивайте билеты картой');
    expect(screen.getByTestId('details-sms-ru')).toHaveValue('Кешбэк 5 %');
    expect(screen.getByTestId('details-cost-per-contact')).toHaveValue('12.5');
    // Unchanged: "next" goes on to the review without writing anything.
    await user.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'review'));
    expect(backend.calls.filter((c) => c.key.startsWith('PATCH') || c.key === 'POST /api/v1/campaigns')).toEqual([]);

    // A change is saved into the same draft (PATCH), never a new one.
    await user.click(screen.getByText('Параметры'));
    const sms = await screen.findByTestId('details-sms-ru');
    await user.clear(sms);
    await user.type(sms, 'Кешбэк');
    await user.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(backend.calls.map((c) => c.key)).toContain('PATCH /api/v1/campaigns/C000000042'));
    const patch = backend.calls.find((c) => c.key === 'PATCH /api/v1/campaigns/C000000042');
    expect((patch?.body as CampaignCreate).texts?.ru?.sms).toBe('Кешбэк');
    expect((patch?.body as CampaignCreate).cost_per_contact).toBe(12.5);
    expect(backend.calls.map((c) => c.key)).not.toContain('POST /api/v1/campaigns');
  });
});
