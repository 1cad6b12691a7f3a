import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';

import { THIN_SPACE } from '../../../lib/format';
import { mockBackend, setup, toSplit } from './testing';

configure({ asyncUtilTimeout: 15_000 });

const keep = { normalizeWhitespace: false };
const n = (text: string) => text.replace(/ /g, THIN_SPACE);

const previews = (calls: { key: string; body: unknown }[]) =>
  calls.filter((call) => call.key === 'POST /api/v1/campaigns/split-preview').map((call) => call.body);

describe('Campaign wizard: the split step', { timeout: 60_000 }, () => {
  it('previews the groups and the sample-ratio check, debounced, for the share and seed on screen', async () => {
    const backend = mockBackend();
    const user = setup();
    await toSplit(user);

    const share = screen.getByTestId('split-share');
    const seed = screen.getByTestId('split-seed') as HTMLInputElement;
    expect(share).toHaveValue('0.10');
    // A random seed by default, shown and editable.
    const firstSeed = Number(seed.value);
    expect(Number.isInteger(firstSeed)).toBe(true);

    await waitFor(() => expect(screen.getByTestId('split-target')).toHaveTextContent(n('9 000'), keep));
    expect(screen.getByTestId('split-control')).toHaveTextContent(n('1 000'), keep);
    expect(screen.getByTestId('split-pvalue')).toHaveTextContent('p = 0,42');
    expect(screen.getByTestId('split-srm')).toHaveAttribute('data-ok', 'true');
    expect(screen.getByTestId('split-srm')).toHaveTextContent('Соотношение в норме');
    expect(previews(backend.calls)).toEqual([{ audience_id: 'a1', control_share: 0.1, split_seed: firstSeed }]);

    // Quick changes (no timer runs between them): one request, for the last value.
    fireEvent.change(share, { target: { value: '0.1' } });
    fireEvent.change(share, { target: { value: '0.2' } });
    await waitFor(() => expect(screen.getByTestId('split-control')).toHaveTextContent(n('2 000'), keep));
    expect(previews(backend.calls)).toHaveLength(2);
    expect(previews(backend.calls)[1]).toEqual({ audience_id: 'a1', control_share: 0.2, split_seed: firstSeed });
    expect(screen.getByText(/20 % аудитории/)).toBeInTheDocument();

    // A split that does not match the share is flagged plainly.
    await user.tripleClick(seed);
    await user.keyboard('13');
    await waitFor(() => expect(screen.getByTestId('split-srm')).toHaveAttribute('data-ok', 'false'));
    expect(screen.getByTestId('split-srm')).toHaveTextContent('Соотношение нарушено');
    expect(screen.getByTestId('split-pvalue')).toHaveTextContent('p = 2.0e-5');

    await user.click(screen.getByTestId('split-new-seed'));
    await waitFor(() => expect(seed.value).not.toBe('13'));
    await waitFor(() => expect(screen.getByTestId('split-srm')).toHaveAttribute('data-ok', 'true'));
  });

  it('keeps the split when going to the details and back', async () => {
    const backend = mockBackend();
    const user = setup();
    await toSplit(user);
    const share = screen.getByTestId('split-share');

    fireEvent.change(share, { target: { value: '0.25' } });
    await waitFor(() => expect(screen.getByTestId('split-control')).toHaveTextContent(n('2 500'), keep));
    await user.click(screen.getByTestId('wizard-next'));
    expect(await screen.findByTestId('details-name')).toBeInTheDocument();
    expect(screen.getByTestId('wizard-step-title')).toHaveTextContent('Шаг 3 из 5. Параметры');

    await user.click(screen.getByTestId('wizard-back'));
    expect(await screen.findByTestId('split-share')).toHaveValue('0.25');
    const requests = previews(backend.calls).length;
    // The answer for this split is known: coming back asks nothing new.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(previews(backend.calls)).toHaveLength(requests);
    expect(within(screen.getByTestId('split-preview')).getByTestId('split-control')).toHaveTextContent(n('2 500'), keep);
  });

  it('says when the preview fails', async () => {
    mockBackend({
      'POST /api/v1/campaigns/split-preview': () => ({
        status: 422,
        body: { error: 'InvalidInput', detail: "audience_id: there is no saved audience 'a1'" },
      }),
    });
    const user = setup();
    await toSplit(user);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Разделение не удалось посчитать');
    expect(alert).toHaveTextContent("there is no saved audience 'a1'");
  });
});
