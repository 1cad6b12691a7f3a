import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { mockFetch, renderApp } from '../../../test/renderApp';
import { DEFAULT_SPEC, keep, n, optionsWith, slow } from './testing';
import type { AudienceSpec, AudienceSummary, Preview, SavedAudience, SpecFilter } from './types';

// jsdom has no layout and no canvas for ECharts to draw with: a chart is its accessible name here.
vi.mock('../../../components/EChart', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const SAVED_SPEC: AudienceSpec = {
  ...DEFAULT_SPEC,
  filters: [
    { kind: 'suppression', list: 'global_control' },
    { kind: 'age', min: 25, max: 60 },
  ],
};

const OPTIONS = optionsWith({
  feature_store: { loaded: true, customers: 20_000, columns: ['iin', 'birth_date', 'gender'] },
});

function previewOf(spec: AudienceSpec): Preview {
  let remaining = 20_000;
  const funnel: Preview['funnel'] = [
    { step: 0, kind: 'source', code: 'funnel.source.feature_store', params: {}, removed: 0, remaining, filter_index: null },
  ];
  (spec.filters ?? []).forEach((filter: SpecFilter, index) => {
    const removed = filter.kind === 'age' ? (filter.max ?? 100) * 100 : 1_000;
    remaining -= removed;
    funnel.push({ step: index + 1, kind: filter.kind, code: 'funnel.step.legacy', params: { label: `step ${index}` }, removed, remaining, filter_index: index });
  });
  return {
    reference_date: '2026-11-28',
    funnel,
    size: remaining,
    sample: [],
    distributions: { age: [], gender: [], filial: [], device: [] },
    warnings: [],
    elapsed_ms: 5,
  };
}

function saved(id: string, version: number, spec: AudienceSpec, name = 'Зарплатные'): SavedAudience {
  return {
    id,
    family_id: 'aud-1',
    version,
    name,
    owner: 'test-analyst',
    size: previewOf(spec).size,
    reference_date: '2026-11-28',
    created_at: `2026-11-3${version - 1}T09:00:00Z`,
    spec,
    funnel: previewOf(spec).funnel,
  };
}

function summary(audience: SavedAudience): AudienceSummary {
  const { id, family_id, version, name, owner, size, reference_date, created_at } = audience;
  return { id, family_id, version, name, owner, size, reference_date, created_at };
}

describe('Audience builder: saved audiences as versions', { timeout: 60_000 }, () => {
  it('opens a saved audience, saves the change as v2 and lists both versions', async () => {
    const family: SavedAudience[] = [saved('aud-1', 1, SAVED_SPEC)];
    const versionPosts: { path: string; body: { spec: AudienceSpec; name?: string | null } }[] = [];
    const newAudiencePosts: unknown[] = [];
    mockFetch(async (url, request) => {
      const key = `${request.method} ${url.pathname}`;
      const body: unknown = request.method === 'POST' ? await request.clone().json() : undefined;
      if (key === 'GET /api/v1/health')
        return { body: { status: 'ok', version: '0.1.0', warehouse: { dialect: 'duckdb', reachable: true } } };
      if (key === 'GET /api/v1/audiences/options') return { body: OPTIONS };
      if (key === 'GET /api/v1/uploads') return { body: { items: [], total: 0, limit: 200, offset: 0 } };
      if (key === 'GET /api/v1/audiences') {
        const newest = family.at(-1) as SavedAudience;
        return { body: { items: [summary(newest)], total: 1, limit: 200, offset: 0 } };
      }
      if (key === 'POST /api/v1/audiences/preview') return { body: previewOf((body as { spec: AudienceSpec }).spec) };
      const one = family.find((a) => url.pathname === `/api/v1/audiences/${a.id}`);
      if (request.method === 'GET' && one) return { body: one };
      if (key === 'GET /api/v1/audiences/aud-1/versions' || key === 'GET /api/v1/audiences/aud-2/versions')
        return { body: family.map((a) => ({ ...summary(a), used_by_campaigns: a.version === 1 ? 1 : 0 })) };
      if (key === 'POST /api/v1/audiences/aud-1/versions') {
        const sent = body as { spec: AudienceSpec; name?: string | null };
        versionPosts.push({ path: url.pathname, body: sent });
        const next = saved(`aud-${family.length + 1}`, family.length + 1, sent.spec, sent.name ?? 'Зарплатные');
        family.push(next);
        return { status: 201, body: next };
      }
      if (key === 'POST /api/v1/audiences') newAudiencePosts.push(body);
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/campaigns/new', { as: 'analyst' });
    await screen.findByTestId('audience-size', {}, { timeout: 15_000 });

    // Open the saved audience: its spec fills the builder, and the builder says what is edited.
    await user.click(await screen.findByLabelText('Аудитория для правки'));
    await user.click(await screen.findByTitle('Зарплатные · v1 · 13 000'));
    await user.click(screen.getByTestId('open-submit'));
    const editing = await screen.findByTestId('editing-audience', {}, slow);
    expect(editing).toHaveTextContent('Редактируется: «Зарплатные», версия 1');
    const max = await screen.findByLabelText('Возраст до');
    expect(max).toHaveValue('60');
    expect(screen.getByLabelText('Название аудитории')).toHaveValue('Зарплатные');
    await waitFor(() => expect(screen.getByTestId('audience-size')).toHaveTextContent(n('13 000'), keep), slow);

    // Change a filter; the save offers the next version besides a new audience.
    fireEvent.change(max, { target: { value: '40' } });
    await waitFor(() => expect(screen.getByTestId('audience-size')).toHaveTextContent(n('15 000'), keep), slow);
    await waitFor(() => expect(screen.getByTestId('funnel')).toHaveAttribute('data-fresh', 'true'), slow);
    const asVersion = await screen.findByRole('button', { name: 'Сохранить как новую версию (v2)' }, slow);
    expect(screen.getByRole('button', { name: 'Сохранить как новую аудиторию' })).toBeInTheDocument();
    await user.click(asVersion);

    const done = await screen.findByTestId('saved-audience', {}, slow);
    expect(done).toHaveAttribute('data-version', '2');
    expect(done).toHaveTextContent('Сохранена версия 2 аудитории «Зарплатные»');
    expect(versionPosts).toHaveLength(1);
    expect(versionPosts[0]?.body.spec.filters).toEqual([
      { kind: 'suppression', list: 'global_control' },
      { kind: 'age', min: 25, max: 40 },
    ]);
    expect(newAudiencePosts).toEqual([]);
    // Now v2 is the one edited; the wizard takes it as the campaign audience, with its version.
    await waitFor(() => expect(screen.getByTestId('editing-audience')).toHaveAttribute('data-version', '2'), slow);
    expect(screen.getByTestId('chosen-audience')).toHaveAttribute('data-id', 'aud-2');
    expect(screen.getByTestId('chosen-version')).toHaveTextContent('версия 2');
    await waitFor(() => expect(screen.getByTestId('save-version')).toHaveTextContent('Сохранить как новую версию (v3)'), slow);

    // The versions list: both, with their sizes; the old one can be opened again.
    await user.click(screen.getByTestId('versions-open'));
    const drawer = await screen.findByTestId('versions-table', {}, slow);
    await waitFor(() => expect(within(drawer).getAllByTestId('version-row')).toHaveLength(2), slow);
    const rows = within(drawer).getAllByTestId('version-row');
    expect(rows.map((r) => r.getAttribute('data-version'))).toEqual(['1', '2']);
    expect(within(rows[0] as HTMLElement).getByTestId('version-size')).toHaveTextContent(n('13 000'), keep);
    expect(within(rows[1] as HTMLElement).getByTestId('version-size')).toHaveTextContent(n('15 000'), keep);
    await user.click(within(rows[0] as HTMLElement).getByRole('button', { name: 'Открыть версию 1' }));
    await waitFor(() => expect(screen.getByTestId('editing-audience')).toHaveAttribute('data-version', '1'), slow);
    expect(await screen.findByLabelText('Возраст до')).toHaveValue('60');
    // From an old version the next save is still numbered after the newest.
    await waitFor(() => expect(screen.getByTestId('save-version')).toHaveTextContent('Сохранить как новую версию (v3)'), slow);

    // Unsaved changes are not thrown away without asking: "stay" keeps them.
    fireEvent.change(await screen.findByLabelText('Возраст до'), { target: { value: '50' } });
    await user.click(within(rows[1] as HTMLElement).getByRole('button', { name: 'Открыть версию 2' }));
    expect(await screen.findByText('Изменения в конструкторе не сохранены: они пропадут.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Остаться' }));
    expect(screen.getByLabelText('Возраст до')).toHaveValue('50');
    expect(screen.getByTestId('editing-audience')).toHaveAttribute('data-version', '1');
  });
});
