import { configure, screen, waitFor, within } from '@testing-library/react';

import { experimentArms } from '../theories/testing';
import { AUDIENCE, campaignOf, DRY_RUN, mockBackend, renderWizard, setup } from './testing';
import type { CampaignCreate, DeployReport } from './types';

configure({ asyncUtilTimeout: 15_000 });

const BODY: CampaignCreate = {
  type: 'RB1',
  name: 'Кэшбэк на АЗС',
  description: null,
  stream: 'travel',
  channels: ['popup'],
  texts: null,
  deep_link: null,
  start_date: '2030-01-10',
  end_date: '2030-01-24',
  product_code: null,
  audience_id: 'a1',
  control_share: 0.2,
  split_seed: 77,
  pool_share: false,
  push_event_type: null,
  rb3: null,
  popup: { title_ru: 'Т', title_kz: 'Т', text_ru: 'Текст', text_kz: 'Мәтін', priority: 100 },
};

const LEAD = 'C000000101';
const ARM = 'C000000103';

const popup = (eligible: number) => ({ popup: { eligible, dropped: 0, reasons: {} } });

/** The whole experiment's dry run (or deploy): each arm's campaign and who its channels reach. */
const EXPERIMENT: DeployReport = {
  ...DRY_RUN,
  code: LEAD,
  channels: popup(80_000),
  arms: [
    { code: LEAD, name: 'A', target: 27_000, channels: popup(27_000) },
    { code: ARM, name: 'B', target: 26_500, channels: popup(26_500) },
    { code: 'C000000104', name: 'C', target: 26_500, channels: { sms: { eligible: 20_000, dropped: 6_500, reasons: {} } } },
  ],
};

function resume(code: string, extra: Partial<ReturnType<typeof campaignOf>>) {
  return mockBackend({
    [`GET /api/v1/campaigns/${code}`]: () => ({ body: { ...campaignOf(BODY, code), ...extra } }),
    'GET /api/v1/audiences/a1': () => ({ body: { ...AUDIENCE, version: 1 } }),
    [`POST /api/v1/campaigns/${LEAD}/deploy`]: (request) =>
      new URL(request.url).searchParams.get('dry_run') === 'true'
        ? { body: EXPERIMENT }
        : { body: { ...EXPERIMENT, dry_run: false } },
  });
}

describe('Campaign wizard: an A/B/n experiment of arm campaigns', { timeout: 60_000 }, () => {
  it("resumes an arm: its dry run is the lead's, and it offers no deploy of its own", async () => {
    const backend = resume(ARM, { experiment: LEAD, arm: 'B', arms: experimentArms() });
    const user = setup();
    renderWizard(`/campaigns/new?draft=${ARM}`);
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'review'));
    expect(screen.getByTestId('wizard-arm-note')).toHaveTextContent(
      `Плечо B эксперимента ${LEAD}: аудитория, даты и разбиение — как у ведущей кампании; запуск — с ведущей.`,
    );
    expect(screen.getByTestId('review-arm-dry-run')).toHaveTextContent(`ведущей кампанией ${LEAD}`);
    expect(screen.queryByTestId('review-split')).not.toBeInTheDocument();
    const arms = within(await screen.findByTestId('deploy-arms'));
    expect(arms.getAllByTestId('deploy-arm').map((row) => row.dataset.code)).toEqual([LEAD, ARM, 'C000000104']);
    const keys = backend.calls.map((call) => call.key);
    expect(keys).toContain(`POST /api/v1/campaigns/${LEAD}/deploy?dry_run=true`);
    expect(keys.some((key) => key.startsWith(`POST /api/v1/campaigns/${ARM}/deploy`))).toBe(false);

    await user.click(screen.getByTestId('wizard-next'));
    const note = await screen.findByTestId('deploy-arm-note');
    expect(note).toHaveTextContent('Плечо запускается вместе с ведущей кампанией');
    expect(within(note).getByTestId('deploy-open-lead')).toHaveAttribute('href', `/campaigns/${LEAD}`);
    expect(screen.queryByTestId('deploy-button')).not.toBeInTheDocument();
  });

  it('deploys the lead with every arm and shows what each arm got', async () => {
    resume(LEAD, { experiment: LEAD, arm: 'A', arms: experimentArms() });
    const user = setup();
    renderWizard(`/campaigns/new?draft=${LEAD}`);
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'review'));
    await screen.findByTestId('dry-run');
    await user.click(screen.getByTestId('wizard-next'));
    expect(await screen.findByTestId('deploy-experiment')).toHaveTextContent(
      `Запускается эксперимент A/B/n: кампании ${LEAD}, ${ARM}, C000000104 с общей контрольной группой.`,
    );
    await user.click(screen.getByTestId('deploy-button'));
    expect(await screen.findByTestId('deploy-confirm-arms')).toHaveTextContent(`${LEAD} (A), ${ARM} (B), C000000104 (C)`);
    await user.type(screen.getByTestId('deploy-confirm-code'), LEAD);
    await user.click(screen.getByTestId('deploy-confirm-ok'));

    await screen.findByTestId('deploy-result');
    const rows = within(screen.getByTestId('deploy-arms')).getAllByTestId('deploy-arm');
    expect(rows.map((row) => [row.dataset.code, row.dataset.target])).toEqual([
      [LEAD, '27000'],
      [ARM, '26500'],
      ['C000000104', '26500'],
    ]);
    expect(rows[1]).toHaveTextContent('Pop-up: 26 500');
    expect(rows[2]).toHaveTextContent('SMS: 20 000');
  });

  it("keeps a lead whose arms are only partly created from deploying, saying why", async () => {
    resume(LEAD, { experiment: LEAD, arm: 'A', arms: experimentArms({ c: null }) });
    const user = setup();
    renderWizard(`/campaigns/new?draft=${LEAD}`);
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'review'));
    await user.click(screen.getByTestId('wizard-next'));
    expect(await screen.findByTestId('deploy-arms-missing')).toHaveTextContent('Кампаний нет у плеч C.');
    expect(screen.getByTestId('deploy-button')).toBeDisabled();
  });
});
