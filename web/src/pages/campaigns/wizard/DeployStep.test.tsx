import { configure, screen, waitFor } from '@testing-library/react';

import { DRY_RUN, mockBackend, setup, toReview } from './testing';

configure({ asyncUtilTimeout: 15_000 });

const JOB = {
  id: 'j1',
  kind: 'campaign.deploy',
  owner: 'test-analyst',
  created_at: '2026-11-30T10:00:00Z',
  started_at: '2026-11-30T10:00:00Z',
  error: null,
};

async function toDeploy(user: ReturnType<typeof setup>) {
  await toReview(user);
  await screen.findByTestId('dry-run');
  await user.click(screen.getByTestId('wizard-next'));
  return screen.findByTestId('deploy-button');
}

/** The deploy button, then the confirmation: the code typed by hand. */
async function deploy(user: ReturnType<typeof setup>, button: HTMLElement) {
  await user.click(button);
  const code = await screen.findByTestId('deploy-confirm-code');
  await waitFor(() => expect(screen.getByTestId('deploy-confirm-tables')).toBeInTheDocument());
  await user.type(code, 'C000000042');
  await user.click(screen.getByTestId('deploy-confirm-ok'));
}

describe('Campaign wizard: the deploy step', { timeout: 60_000 }, () => {
  it('deploys through a job, polling its progress to 100 %, then links to the campaign', async () => {
    let polls = 0;
    const backend = mockBackend({
      'POST /api/v1/campaigns/C000000042/deploy': (request) => {
        if (new URL(request.url).searchParams.get('dry_run') === 'true') return undefined;
        return { status: 202, body: { code: 'C000000042', job_id: 'j1', members: 10_000 } };
      },
      'GET /api/v1/jobs/j1': () => {
        polls += 1;
        if (polls === 1)
          return {
            body: {
              ...JOB,
              status: 'running',
              progress: 0.4,
              stage: { code: 'job.stage.write_control', done: 18_000, total: 45_000 },
              result: null,
              finished_at: null,
            },
          };
        return {
          body: {
            ...JOB,
            status: 'succeeded',
            progress: 1,
            stage: null,
            result: { ...DRY_RUN, dry_run: false },
            finished_at: '2026-11-30T10:00:05Z',
          },
        };
      },
    });
    const user = setup();
    const button = await toDeploy(user);
    expect(screen.getByTestId('wizard-step-title')).toHaveTextContent('Шаг 5 из 5. Запуск');

    await deploy(user, button);
    await waitFor(() => expect(screen.getByTestId('deploy-progress')).toHaveAttribute('data-percent', '40'));
    expect(screen.getByTestId('deploy-progress')).toHaveTextContent(
      /Запись контрольной группы \(mb21_local_control\): 18\s000 из 45\s000 строк/,
    );

    const result = await screen.findByTestId('deploy-result');
    expect(screen.getByTestId('deploy-progress')).toHaveAttribute('data-percent', '100');
    expect(polls).toBe(2);
    // Always as a job, so the stages and rows show whatever the size.
    expect(backend.calls.map((call) => call.key)).toContain('POST /api/v1/campaigns/C000000042/deploy?background=true');
    expect(result).toHaveTextContent('Кампания C000000042 запущена');
    // Nothing to go back to: the campaign is in the bank's tables.
    expect(screen.queryByTestId('wizard-back')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('deploy-link'));
    expect(await screen.findByTestId('campaign-page')).toBeInTheDocument();
  });

  it('asks for the code before writing, showing rows per table and drop-outs', async () => {
    const backend = mockBackend();
    const user = setup();
    await user.click(await toDeploy(user));
    const dialog = await screen.findByTestId('deploy-confirm-tables');
    expect(dialog).toHaveTextContent('mb22_local_target');
    expect(screen.getByTestId('deploy-confirm-dropouts')).toHaveTextContent('выбывают');
    const ok = screen.getByTestId('deploy-confirm-ok');
    expect(ok).toBeDisabled();
    await user.type(screen.getByTestId('deploy-confirm-code'), 'C0000000');
    expect(ok).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Отмена' }));
    // Only dry runs were asked (their key carries ?dry_run=true): nothing was written.
    expect(backend.calls.map((call) => call.key)).not.toContain('POST /api/v1/campaigns/C000000042/deploy?background=true');
  });

  it('answers a direct deploy (200) with the result, and starts a new campaign afresh', async () => {
    mockBackend();
    const user = setup();
    await deploy(user, await toDeploy(user));
    expect(await screen.findByTestId('deploy-result')).toHaveAttribute('data-code', 'C000000042');
    expect(screen.getByTestId('deploy-link')).toHaveAttribute('href', '/campaigns/C000000042');

    await user.click(screen.getByTestId('wizard-new'));
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'audience'));
    expect(screen.queryByTestId('chosen-audience')).not.toBeInTheDocument();
    expect(screen.getByTestId('wizard-next')).toBeEnabled();
  });

  it('shows a 409 plainly and lets the analyst try again', async () => {
    let deploys = 0;
    mockBackend({
      'POST /api/v1/campaigns/C000000042/deploy': (request) => {
        if (new URL(request.url).searchParams.get('dry_run') === 'true') return undefined;
        deploys += 1;
        return { status: 409, body: { error: 'Conflict', code: 'campaign.deploy.not_draft', params: { campaign: 'C000000042', status: 'deployed' }, detail: 'campaign C000000042 is already deployed' } };
      },
    });
    const user = setup();
    await deploy(user, await toDeploy(user));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Запуск невозможен');
    expect(alert).toHaveTextContent('Кампания C000000042 уже в статусе «Развёрнута».');
    expect(screen.getByTestId('deploy-button')).toHaveTextContent('Повторить запуск');
    await deploy(user, screen.getByTestId('deploy-button'));
    await waitFor(() => expect(deploys).toBe(2));
  });

  it('leads a 422 (the start date has passed) back to the field in the details', async () => {
    mockBackend({
      'POST /api/v1/campaigns/C000000042/deploy': (request) => {
        if (new URL(request.url).searchParams.get('dry_run') === 'true') return undefined;
        return {
          status: 422,
          body: {
            error: 'InvalidInput',
            code: 'campaign.deploy.start_passed',
            params: { start_date: '2026-11-29' },
            detail: 'start_date: 2026-11-29 has passed; move the dates of the draft first',
            errors: [
              {
                field: 'start_date',
                code: 'campaign.start_in_past',
                params: { start_date: '2026-11-29', today: '2026-11-30' },
                message: 'in the past',
              },
            ],
          },
        };
      },
    });
    const user = setup();
    await deploy(user, await toDeploy(user));
    expect(await screen.findByRole('alert')).toHaveTextContent('Параметры кампании не приняты');
    await user.click(screen.getByTestId('deploy-edit'));
    await waitFor(() => expect(screen.getByTestId('campaign-wizard')).toHaveAttribute('data-step', 'details'));
    const start = screen.getByLabelText(/^Дата начала/);
    await waitFor(() => expect(start).toHaveFocus());
    expect(document.getElementById(start.getAttribute('aria-describedby') ?? '')).toHaveTextContent(
      'Дата начала 2026-11-29 уже прошла (сегодня 2026-11-30).',
    );
  });

  it('says when the deploy job fails, with the reason the job gives', async () => {
    mockBackend({
      'POST /api/v1/campaigns/C000000042/deploy': (request) => {
        if (new URL(request.url).searchParams.get('dry_run') === 'true') return undefined;
        return { status: 202, body: { code: 'C000000042', job_id: 'j1', members: 10_000 } };
      },
      'GET /api/v1/jobs/j1': () => ({
        body: {
          ...JOB,
          status: 'failed',
          progress: 0.3,
          stage: null,
          error: 'deploy of C000000042 failed and nothing was written: duplicate key',
          result: { error: 'Conflict', code: 'campaign.deploy.write_failed', params: { campaign: 'C000000042' }, detail: 'deploy of C000000042 failed and nothing was written: duplicate key' },
          finished_at: '2026-11-30T10:00:05Z',
        },
      }),
    });
    const user = setup();
    await deploy(user, await toDeploy(user));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Запуск невозможен');
    expect(alert).toHaveTextContent('Развёртывание кампании C000000042 не удалось; ничего не записано.');
    expect(screen.queryByTestId('deploy-result')).not.toBeInTheDocument();
  });
});
