import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { MembersReport } from './api';
import { mockCampaignsApi, renderTheories } from './testing';

vi.mock('../../../components/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} data-testid="echart" />,
}));

configure({ asyncUtilTimeout: 15_000 });

const CODE = 'C000000101';
const PATH = `/campaigns/${CODE}`;
const BLACKLISTED = '610316300015';

const REPORT: MembersReport = {
  code: CODE,
  group: 'target',
  action: 'add',
  received: 3,
  valid: 3,
  invalid: 0,
  duplicate: 0,
  normalized: 0,
  already_member: 0,
  global_control: 0,
  not_member: 0,
  changed: 1,
  blocked: [
    {
      code: 'funnel.step.list',
      params: { list: 'acrm_blacklist', name: 'Чёрный список ACRM' },
      count: 1,
      sample: [BLACKLISTED],
    },
    { code: 'funnel.step.frequency_cap', params: { max_contacts: 2, days: 30 }, count: 1, sample: ['30101600003'] },
  ],
  blocked_total: 2,
  forced: false,
  channels: {},
  invalid_examples: [],
  target_count: 90001,
  control_count: 10000,
};

describe('Members modal: the campaign’s suppression steps', { timeout: 60_000 }, () => {
  it('shows per-reason counts and sample IINs; an analyst has no force', async () => {
    mockCampaignsApi({ [`POST /api/v1/campaigns/${CODE}/members`]: () => ({ body: REPORT }) });
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderTheories(PATH, { as: 'analyst' });
    await user.click(await screen.findByTestId('action-members'));
    await user.click(await screen.findByTestId('members-iins'));
    await user.paste(`${BLACKLISTED} 30101600003 610316300023`);
    expect(screen.queryByTestId('members-force')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('members-submit'));

    const blocked = within(await screen.findByTestId('members-blocked'));
    expect(blocked.getByTestId('members-blocked-title')).toHaveTextContent('Не добавлены из-за стоп-шагов кампании: 2');
    const reasons = blocked.getAllByTestId('members-blocked-reason');
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toHaveTextContent('Стоп-лист: Чёрный список ACRM');
    expect(reasons[0]).toHaveTextContent('— 1');
    expect(within(reasons[0] as HTMLElement).getByText(BLACKLISTED)).toBeInTheDocument();
    expect(reasons[1]).toHaveTextContent('Меньше 2 кампаний за 30 дн. (вкл. запланированные)');
  });

  it('lets an administrator force, with a warning, and says the blocked were added', async () => {
    const { calls } = mockCampaignsApi({
      [`POST /api/v1/campaigns/${CODE}/members`]: () => ({ body: { ...REPORT, changed: 3, forced: true } }),
    });
    const user = userEvent.setup({ pointerEventsCheck: 0 });
    renderTheories(PATH, { as: 'admin' });
    await user.click(await screen.findByTestId('action-members'));
    await user.click(await screen.findByTestId('members-iins'));
    await user.paste(BLACKLISTED);
    expect(screen.queryByTestId('members-force-warning')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('members-force'));
    expect(await screen.findByTestId('members-force-warning')).toHaveTextContent('журнал аудита');
    await user.click(screen.getByTestId('members-submit'));

    expect(await screen.findByTestId('members-blocked-title')).toHaveTextContent(
      'Добавлены вопреки стоп-шагам кампании: 2',
    );
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
        { iins: [BLACKLISTED], group: 'target', force: true },
      ]),
    );
  });
});
