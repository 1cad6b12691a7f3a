/**
 * Warnings the server attaches to a result (`notice.*` codes of `Notice` values), in Russian,
 * Kazakh and English. Merged under `codes`.
 */

const ru = {
  notice: {
    audience: {
      global_control_kept: 'Глобальная контрольная группа не исключена: её участникам нельзя отправлять коммуникации.',
      empty: 'Аудитория пуста.',
    },
  },
};

type Catalog = typeof ru;

const kk: Catalog = {
  notice: {
    audience: {
      global_control_kept: 'Жаһандық бақылау тобы алынбаған: оның мүшелеріне хабарлама жіберуге болмайды.',
      empty: 'Аудитория бос.',
    },
  },
};

const en: Catalog = {
  notice: {
    audience: {
      global_control_kept: 'The global control group is not excluded: its members must never be contacted.',
      empty: 'The audience is empty.',
    },
  },
};

export const noticeCodes = { ru, kk, en };
