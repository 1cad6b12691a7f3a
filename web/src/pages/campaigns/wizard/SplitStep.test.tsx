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
    // The share is typed in percent; the API gets the fraction.
    expect(share).toHaveValue('10');
    // A random seed by default, shown and editable.
    const firstSeed = Number(seed.value);
    expect(Number.isInteger(firstSeed)).toBe(true);

    await waitFor(() => expect(screen.getByTestId('split-target')).toHaveTextContent(n('9 000'), keep));
    expect(screen.getByTestId('split-control')).toHaveTextContent(n('1 000'), keep);
    expect(screen.getByTestId('split-pvalue')).toHaveTextContent('p = 0,42');
    // Every number in Russian has a decimal comma.
    expect(screen.getByTestId('split-chi2')).toHaveTextContent(/^0,65$/);
    expect(screen.getByTestId('split-control')).toHaveTextContent('10,0 %');
    expect(screen.getByTestId('split-srm')).toHaveAttribute('data-ok', 'true');
    expect(screen.getByTestId('split-srm')).toHaveTextContent('Соотношение в норме');
    expect(previews(backend.calls)).toEqual([{ audience_id: 'a1', control_share: 0.1, split_seed: firstSeed }]);

    // Quick changes (no timer runs between them): one request, for the last value.
    fireEvent.change(share, { target: { value: '15' } });
    fireEvent.change(share, { target: { value: '20' } });
    await waitFor(() => expect(screen.getByTestId('split-control')).toHaveTextContent(n('2 000'), keep));
    expect(previews(backend.calls)).toHaveLength(2);
    expect(previews(backend.calls)[1]).toEqual({ audience_id: 'a1', control_share: 0.2, split_seed: firstSeed });
    expect(screen.getByText(/20 % аудитории/)).toBeInTheDocument();

    // A split that does not match the share is flagged plainly.
    await user.tripleClick(seed);
    await user.keyboard('13');
    await waitFor(() => expect(screen.getByTestId('split-srm')).toHaveAttribute('data-ok', 'false'));
    expect(screen.getByTestId('split-srm')).toHaveTextContent('Соотношение нарушено');
    expect(screen.getByTestId('split-pvalue')).toHaveTextContent('p = 2,0e-5');
    expect(screen.getByTestId('split-chi2')).toHaveTextContent(/^14,2$/);

    await user.click(screen.getByTestId('split-new-seed'));
    await waitFor(() => expect(seed.value).not.toBe('13'));
    await waitFor(() => expect(screen.getByTestId('split-srm')).toHaveAttribute('data-ok', 'true'));
  });

  it("starts from the admin's default control share (Settings)", async () => {
    const backend = mockBackend({
      'GET /api/v1/settings/defaults': () => ({
        body: { default_control_share: 0.25, upload_max_mb: 50, upload_job_threshold_mb: 5 },
      }),
    });
    const user = setup();
    await toSplit(user);
    await waitFor(() => expect(screen.getByTestId('split-share')).toHaveValue('25'));
    await waitFor(() => expect(screen.getByTestId('split-control')).toHaveTextContent(n('2 500'), keep));
    expect(previews(backend.calls).at(-1)).toMatchObject({ control_share: 0.25 });
  });

  it('keeps the split when going to the details and back', async () => {
    const backend = mockBackend();
    const user = setup();
    await toSplit(user);
    const share = screen.getByTestId('split-share');

    fireEvent.change(share, { target: { value: '25' } });
    await waitFor(() => expect(screen.getByTestId('split-control')).toHaveTextContent(n('2 500'), keep));
    await user.click(screen.getByTestId('wizard-next'));
    expect(await screen.findByTestId('details-name')).toBeInTheDocument();
    expect(screen.getByTestId('wizard-step-title')).toHaveTextContent('Шаг 3 из 5. Параметры');

    await user.click(screen.getByTestId('wizard-back'));
    expect(await screen.findByTestId('split-share')).toHaveValue('25');
    const requests = previews(backend.calls).length;
    // The answer for this split is known: coming back asks nothing new.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(previews(backend.calls)).toHaveLength(requests);
    expect(within(screen.getByTestId('split-preview')).getByTestId('split-control')).toHaveTextContent(n('2 500'), keep);
  });

  it('takes a percent with one decimal, comma or point, and sends the fraction', async () => {
    const backend = mockBackend();
    const user = setup();
    await toSplit(user);
    const share = screen.getByTestId('split-share');

    await user.tripleClick(share);
    await user.keyboard('12,5');
    await waitFor(() => expect(previews(backend.calls).at(-1)).toMatchObject({ control_share: 0.125 }));
    await waitFor(() => expect(screen.getByTestId('split-control')).toHaveTextContent(n('1 250'), keep));
    expect(screen.getByText(/12,5 % аудитории/)).toBeInTheDocument();
    expect(screen.getByTestId('campaign-wizard')).toHaveTextContent('Контрольная группа 12,5 %');
    // Shown back with the decimal comma once the field is left.
    await user.tab();
    expect(share).toHaveValue('12,5');

    // A point is read as the decimal separator too; a second decimal is not kept.
    await user.tripleClick(share);
    await user.keyboard('7.25');
    await waitFor(() => expect(previews(backend.calls).at(-1)).toMatchObject({ control_share: 0.073 }));

    // More than 50 % is not a control group: the field stops at 50 on leaving it.
    await user.tripleClick(share);
    await user.keyboard('70');
    await user.tab();
    expect(share).toHaveValue('50');
    await waitFor(() => expect(previews(backend.calls).at(-1)).toMatchObject({ control_share: 0.5 }));
  });

  it('says when the preview fails', async () => {
    mockBackend({
      'POST /api/v1/campaigns/split-preview': () => ({
        status: 422,
        body: {
          error: 'InvalidInput',
          code: 'campaign.invalid_draft',
          detail: "audience_id: there is no saved audience 'a1'",
          errors: [
            { field: 'audience_id', code: 'campaign.unknown_audience', params: { audience_id: 'a1' }, message: 'x' },
          ],
        },
      }),
    });
    const user = setup();
    await toSplit(user);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Разделение не удалось посчитать');
    expect(alert).toHaveTextContent('Сохранённой аудитории a1 нет.');
  });
});
