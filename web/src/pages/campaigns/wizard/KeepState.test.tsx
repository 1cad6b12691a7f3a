import { cleanup, configure, fireEvent, screen, waitFor } from '@testing-library/react';

import { mockBackend, renderWizard, setup, toSplit } from './testing';

configure({ asyncUtilTimeout: 15_000 });

describe('Campaign wizard: work survives leaving the page and a reload', { timeout: 60_000 }, () => {
  it('comes back at the same step with the same audience and split', async () => {
    mockBackend();
    const user = setup();
    await toSplit(user);
    fireEvent.change(screen.getByTestId('split-seed'), { target: { value: '4242' } });
    await waitFor(() => expect(window.localStorage.getItem('dq.wizard.test-analyst')).toContain('"seed":4242'));

    cleanup(); // the analyst leaves through the sidebar, or reloads
    renderWizard();
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'split'));
    expect(screen.getByTestId('split-seed')).toHaveValue('4242');
    expect(screen.getByTestId('chosen-audience')).toHaveAttribute('data-id', 'a1');
  });

  it('keeps nothing of another user', async () => {
    mockBackend();
    const user = setup();
    await toSplit(user);
    window.localStorage.setItem('dq.wizard.someone-else', window.localStorage.getItem('dq.wizard.test-analyst') ?? '');
    window.localStorage.removeItem('dq.wizard.test-analyst');
    cleanup();
    renderWizard();
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'audience'));
  });
});
