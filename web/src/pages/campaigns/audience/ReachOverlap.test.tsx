import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../../test/renderApp';
import { keep, n, optionsWith, slow } from './testing';
import type { Overlap, Preview } from './types';

vi.mock('../../../components/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));


const OPTIONS = optionsWith({
  suppression_lists: [
    { name: 'global_control', category: 'blacklist', description: 'ГКГ', row_count: 1_000, purpose: null, default: true },
  ],
  push_event_types: [
    { code: 'marketing_offers', name_ru: 'Маркетинговые предложения', name_kz: 'Маркетинг', description_ru: null, enabled: true },
  ],
});

export const OVERLAP: Overlap = {
  members: 1_234,
  start_date: '2026-11-28',
  end_date: null,
  campaign_count: 2,
  campaigns: [
    { camp_cd: 'C000000901', name: 'Путешествия зимой', stream: 'travel', start_date: '2026-11-18', end_date: '2026-12-08', members: 1_000 },
    { camp_cd: 'C000000903', name: 'Маркет', stream: 'market', start_date: '2026-11-23', end_date: '2026-12-28', members: 300 },
  ],
  streams: [
    { stream: 'travel', members: 1_000 },
    { stream: 'market', members: 300 },
  ],
};

function previewOf(eventType: string | null): Preview {
  const optedOut = eventType ? 500 : 0;
  return {
    reference_date: '2026-11-28',
    funnel: [
      { step: 0, kind: 'source', code: 'funnel.source.feature_store', params: {}, removed: 0, remaining: 20_000, filter_index: null },
      { step: 1, kind: 'suppression', code: 'funnel.step.list', params: {}, removed: 1_000, remaining: 19_000, filter_index: 0 },
    ],
    size: 19_000,
    sample: [],
    distributions: { age: [], gender: [], filial: [], device: [] },
    warnings: [],
    elapsed_ms: 10,
    reachability: {
      total: 19_000,
      push: 12_000 - optedOut,
      sms: 17_000,
      popup: 19_000,
      push_event_type: eventType,
      dropouts: {
        push: { no_p_sid: 3_000, push_disabled: 4_000, ...(eventType ? { opted_out: optedOut } : {}) },
        sms: { no_valid_phone: 2_000 },
      },
    },
    overlap: OVERLAP,
  };
}

describe('Audience builder: reachability and overlap', { timeout: 60_000 }, () => {
  it('shows who each channel reaches under the funnel, and asks again with the chosen push event type', async () => {
    const bodies: { push_event_type?: string | null; reachability?: boolean; overlap?: boolean }[] = [];
    mockFetch(async (url, request) => {
      const key = `${request.method} ${url.pathname}`;
      if (key === 'GET /api/v1/audiences/options') return { body: OPTIONS };
      if (key === 'GET /api/v1/uploads' || key === 'GET /api/v1/audiences')
        return { body: { items: [], total: 0, limit: 200, offset: 0 } };
      if (key === 'GET /api/v1/health')
        return { body: { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } } };
      if (key === 'POST /api/v1/audiences/preview') {
        const body = (await request.clone().json()) as { push_event_type?: string | null };
        bodies.push(body);
        return { body: previewOf(body.push_event_type ?? null) };
      }
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/campaigns/new', { as: 'analyst' });

    const line = await screen.findByTestId('reach-line', {}, { timeout: 15_000 });
    expect(line).toHaveTextContent(`Доступно: Push ${n('12 000')} · SMS ${n('17 000')} · Pop-up ${n('19 000')}`, keep);
    expect(bodies[0]).toMatchObject({ reachability: true, overlap: true, push_event_type: null });
    const dropouts = screen.getAllByTestId('reach-dropouts');
    expect(dropouts[0]).toHaveAttribute('data-dropped', '7000');
    expect(dropouts[0]).toHaveTextContent('Нет идентификатора push (p_sid)');
    expect(dropouts[1]).toHaveTextContent(`SMS: выбывают ${n('2 000')}: Нет корректного номера (+77 и 9 цифр) ${n('2 000')}`, keep);

    // The overlap: a warning with the campaigns and the streams.
    const warning = screen.getByTestId('overlap-warning');
    expect(warning).toHaveTextContent(`${n('1 234')} клиентов аудитории уже участвуют в развёрнутых кампаниях`, keep);
    const rows = within(warning).getAllByTestId('overlap-campaign');
    expect(rows.map((row) => row.getAttribute('data-code'))).toEqual(['C000000901', 'C000000903']);
    expect(rows[0]).toHaveTextContent('Путешествия зимой');
    expect(within(warning).getAllByTestId('overlap-stream').map((s) => s.getAttribute('data-stream'))).toEqual([
      'travel',
      'market',
    ]);

    // Choosing the push event type asks again; the opt-outs drop out of push.
    await user.click(within(screen.getByTestId('reach-event-type')).getByRole('combobox'));
    await user.click(await screen.findByTitle('Маркетинговые предложения'));
    await waitFor(() => expect(bodies.at(-1)?.push_event_type).toBe('marketing_offers'), slow);
    await waitFor(
      () => expect(screen.getByTestId('reach-line')).toHaveTextContent(`Push ${n('11 500')}`, keep),
      slow,
    );
    expect(screen.getAllByTestId('reach-dropouts')[0]).toHaveTextContent('Отписан от этого типа push-событий');
  });

  it('says quietly that no one overlaps', async () => {
    mockFetch(async (url, request) => {
      const key = `${request.method} ${url.pathname}`;
      if (key === 'GET /api/v1/audiences/options') return { body: OPTIONS };
      if (key === 'GET /api/v1/uploads' || key === 'GET /api/v1/audiences')
        return { body: { items: [], total: 0, limit: 200, offset: 0 } };
      if (key === 'POST /api/v1/audiences/preview')
        return {
          body: { ...previewOf(null), overlap: { ...OVERLAP, members: 0, campaign_count: 0, campaigns: [], streams: [] } },
        };
      return undefined;
    });
    renderApp('/campaigns/new', { as: 'analyst' });
    expect(await screen.findByTestId('overlap-none', {}, { timeout: 15_000 })).toHaveTextContent(
      'Никто из аудитории не участвует',
    );
    expect(screen.queryByTestId('overlap-warning')).not.toBeInTheDocument();
  });
});
