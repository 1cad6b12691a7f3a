/**
 * Warnings the server attaches to a result (`notice.*` codes of `Notice` values), in Russian,
 * Kazakh and English. Merged under `codes`.
 */

const ru = {
  notice: {
    campaign: {
      sms_segments:
        'SMS ({{language}}) не помещается в один сегмент: сегментов — {{segments}}, символов — {{characters}} ({{encoding}}), в одном сегменте — {{single}}.',
      no_control: 'Доля контрольной группы — 0: без контрольной группы эффект не измерить.',
      audience_empty: 'Сохранённая аудитория пуста.',
      audience_gone: 'Сохранённой аудитории {{id}} больше нет.',
      start_passed: 'Дата начала {{date}} уже прошла: перенесите её перед запуском.',
      target_empty: 'Целевая группа пуста.',
      channel_dropouts: '{{channel}}: выбывают {{dropped}} из {{total}} клиентов целевой группы.',
    },
    audience: {
      global_control_kept: 'Глобальная контрольная группа не исключена: её участникам нельзя отправлять коммуникации.',
      empty: 'Аудитория пуста.',
      overlap: '{{members}} клиентов аудитории уже участвуют в развёрнутых кампаниях с пересекающимися датами (кампаний: {{campaigns}}).',
    },
  },
};

type Catalog = typeof ru;

const kk: Catalog = {
  notice: {
    campaign: {
      sms_segments:
        'SMS ({{language}}) бір сегментке сыймайды: сегменттер — {{segments}}, таңбалар — {{characters}} ({{encoding}}), бір сегментте — {{single}}.',
      no_control: 'Бақылау тобының үлесі — 0: бақылау тобынсыз әсерді өлшеу мүмкін емес.',
      audience_empty: 'Сақталған аудитория бос.',
      audience_gone: 'Сақталған аудитория енді жоқ: {{id}}.',
      start_passed: 'Басталу күні ({{date}}) өтіп кетті: іске қоспас бұрын оны ауыстырыңыз.',
      target_empty: 'Мақсатты топ бос.',
      channel_dropouts: '{{channel}}: мақсатты топтағы {{total}} клиенттің {{dropped}} шығып қалады.',
    },
    audience: {
      global_control_kept: 'Жаһандық бақылау тобы алынбаған: оның мүшелеріне хабарлама жіберуге болмайды.',
      empty: 'Аудитория бос.',
      overlap: 'Аудиторияның {{members}} клиенті күндері қиылысатын орналастырылған науқандарға қатысып жатыр (науқандар: {{campaigns}}).',
    },
  },
};

const en: Catalog = {
  notice: {
    campaign: {
      sms_segments: 'SMS ({{language}}) takes {{segments}} segments: {{characters}} characters in {{encoding}}, one segment holds {{single}}.',
      no_control: 'The control group share is 0: without a control group the effect cannot be measured.',
      audience_empty: 'The saved audience is empty.',
      audience_gone: 'The saved audience {{id}} no longer exists.',
      start_passed: 'The start date {{date}} has passed: move it before deploying.',
      target_empty: 'The target group is empty.',
      channel_dropouts: '{{channel}}: {{dropped}} of {{total}} target group members drop out.',
    },
    audience: {
      global_control_kept: 'The global control group is not excluded: its members must never be contacted.',
      empty: 'The audience is empty.',
      overlap: '{{members}} of the audience are already in deployed campaigns with overlapping dates ({{campaigns}} campaigns).',
    },
  },
};

export const noticeCodes = { ru, kk, en };
