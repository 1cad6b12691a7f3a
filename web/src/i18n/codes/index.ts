/**
 * The catalogs of server codes, one file per area, merged into one tree per language (rendered
 * under `codes.<code>`). Areas may share a first segment (`job.not_found` is an error,
 * `job.stage.split` a stage), so the merge is deep; a code defined twice is a mistake.
 */
import * as backup from './backup';
import * as datasources from './datasources';
import * as errors from './errors';
import * as experiments from './experiments';
import { funnelCodes } from './funnel';
import { iinCodes } from './iin';
import * as jobs from './jobs';
import * as monitoring from './monitoring';
import { noticeCodes } from './notices';
import * as reference from './reference';
import { queryCodes } from './queries';

type Tree = { [key: string]: string | Tree };

function merge(into: Tree, from: Tree, path: string): Tree {
  for (const [key, value] of Object.entries(from)) {
    const here = into[key];
    if (here === undefined) {
      into[key] = typeof value === 'string' ? value : merge({}, value, `${path}${key}.`);
    } else if (typeof here !== 'string' && typeof value !== 'string') {
      merge(here, value, `${path}${key}.`);
    } else {
      throw new Error(`the server code ${path}${key} has two texts`);
    }
  }
  return into;
}

const AREAS = [errors, experiments, jobs, monitoring, funnelCodes, iinCodes, noticeCodes, reference, backup, datasources, queryCodes];

function catalog(language: 'ru' | 'kk' | 'en'): Tree {
  return AREAS.reduce<Tree>((tree, area) => merge(tree, area[language], ''), {});
}

export const ru = catalog('ru');
export const kk = catalog('kk');
export const en = catalog('en');
