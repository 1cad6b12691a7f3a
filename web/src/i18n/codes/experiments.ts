/**
 * Server codes of experiments (issue 14): the stratified split's design errors and the
 * effect's refusals, rendered under `codes.<code>`.
 */

export const ru = {
  split: {
    feature_store_missing: 'Витрина признаков не загружена: для стратификации нужны её столбцы.',
    no_control: 'Для стратифицированного разбиения нужна контрольная группа: доля контроля больше 0.',
    shares_sum: 'Доли групп должны в сумме давать 100 %.',
    strata: { duplicate: 'Каждая страта — не больше одного раза.' },
    unknown_strata: 'Неизвестные страты: {{names}}.',
    unknown_stratum: 'Нельзя стратифицировать по «{{name}}». Доступно: {{allowed}}.',
  },
  effect: {
    demo: { bad_lift: 'Прирост {{lift}} выводит конверсию за пределы 0–1.' },
    not_deployed: 'Кампания {{campaign}} в статусе «{{status}}»: у неё нет развёрнутых групп для сравнения.',
    outcome_columns: 'В наборе результата {{name}} нет столбцов iin или event_date.',
    unknown_outcome: 'Нет набора результата «{{name}}».',
  },
};

export const kk: typeof ru = {
  split: {
    feature_store_missing: 'Белгілер витринасы жүктелмеген: стратификацияға оның бағандары керек.',
    no_control: 'Стратификацияланған бөлуге бақылау тобы керек: бақылау үлесі 0-ден үлкен.',
    shares_sum: 'Топтардың үлестерінің қосындысы 100 % болуы керек.',
    strata: { duplicate: 'Әр страта бір реттен артық емес.' },
    unknown_strata: 'Белгісіз страталар: {{names}}.',
    unknown_stratum: '«{{name}}» бойынша стратификациялау мүмкін емес. Қолжетімді: {{allowed}}.',
  },
  effect: {
    demo: { bad_lift: '{{lift}} өсімі конверсияны 0–1 шегінен шығарады.' },
    not_deployed: '{{campaign}} науқаны «{{status}}» күйінде: салыстыруға орналастырылған топтары жоқ.',
    outcome_columns: '{{name}} нәтиже жиынында iin немесе event_date бағандары жоқ.',
    unknown_outcome: '«{{name}}» нәтиже жиыны жоқ.',
  },
};

export const en: typeof ru = {
  split: {
    feature_store_missing: 'The feature store is not loaded: stratification reads its columns.',
    no_control: 'A stratified split needs a control group: a control share above 0.',
    shares_sum: 'Group shares must add up to 100 %.',
    strata: { duplicate: 'Each stratum at most once.' },
    unknown_strata: 'Unknown strata: {{names}}.',
    unknown_stratum: 'Cannot stratify by “{{name}}”. Available: {{allowed}}.',
  },
  effect: {
    demo: { bad_lift: 'A lift of {{lift}} takes the conversion outside 0–1.' },
    not_deployed: 'Campaign {{campaign}} is {{status}}: it has no deployed groups to compare.',
    outcome_columns: 'Outcome {{name}} has no iin or event_date column.',
    unknown_outcome: 'There is no outcome dataset “{{name}}”.',
  },
};
