import i18n from 'i18next';
import { describe, expect, it } from 'vitest';

import { CATALOGS } from '../i18n';
import { jobStageText } from './jobs';

const SERVER_STAGES = [
  'start', 'done', 'failed', 'detect_format', 'read', 'validate', 'store', 'split', 'write_target',
  'write_control', 'write_deliveries', 'write_contacts', 'commit', 'generate', 'load',
];

describe('job stages', () => {
  it('are told in each language from codes.job.stage', async () => {
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      const t = await i18n.cloneInstance().init({ lng: language, resources: { [language]: { translation: catalog } } });
      for (const stage of SERVER_STAGES) {
        const text = jobStageText({ code: `job.stage.${stage}` }, t);
        expect(text, `${language} ${stage}`).not.toBe(`codes.job.stage.${stage}`);
        expect(text).toBeTruthy();
      }
    }
  });

  it('say nothing before a job has a stage', () => {
    expect(jobStageText(null, ((key: string) => key) as never)).toBeNull();
  });
});
