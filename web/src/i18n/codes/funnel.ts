/**
 * Funnel steps as the server names them (`funnel.source.*`, `funnel.step.*` with their params), in
 * Russian, Kazakh and English. Merged under `codes` by ru.ts, kk.ts and en.ts; rendered by
 * `renderCode`. Names of lists and uploads arrive as params: they are data, not translated.
 */

const ru = {
  funnel: {
    source: {
      feature_store: 'Все клиенты (витрина признаков)',
      products_all: 'Владельцы всех продуктов: {{products}}',
      products_any: 'Владельцы любого из продуктов: {{products}}',
      upload: 'Загрузка: {{name}}',
      audience: 'Сохранённая аудитория: {{name}}',
    },
    step: {
      not_in_feature_store: 'Нет в витрине признаков',
      list: 'Стоп-лист: {{name}}',
      age_between: 'Возраст {{min}}–{{max}}',
      age_from: 'Возраст от {{min}}',
      age_to: 'Возраст до {{max}}',
      gender: 'Пол: {{values}}',
      device: 'Устройство: {{values}}',
      filial: 'Филиал: {{codes}}',
      mau: 'Только активные в приложении (MAU)',
      push_enabled: 'Только с включёнными push',
      push_optout: 'Без отказа от push: {{event_types}}',
      product_has: 'Есть продукт: {{products}}',
      product_has_not: 'Нет продукта: {{products}}',
      stream: 'Не в идущих и запланированных кампаниях направления {{stream}} ({{groups}})',
      recent_contact: 'Без контакта за {{days}} дн. и без запланированного',
      recent_contact_streams: 'Без контакта за {{days}} дн. и без запланированного (направления: {{streams}})',
      recent_contact_channels: 'Без контакта за {{days}} дн. и без запланированного (каналы: {{channels}})',
      recent_contact_streams_channels:
        'Без контакта за {{days}} дн. и без запланированного (направления: {{streams}}; каналы: {{channels}})',
      frequency_cap: 'Меньше {{max_contacts}} кампаний за {{days}} дн. (вкл. запланированные)',
      upload_include: 'Только из загрузки: {{name}}',
      upload_exclude: 'Без загрузки: {{name}}',
      rank: 'Ранжирование: {{columns}}',
      rank_min: 'Ранжирование: {{columns}}, сумма ≥ {{min}}',
      rank_top: 'Ранжирование: {{columns}}, лучшие {{top_n}}',
      rank_min_top: 'Ранжирование: {{columns}}, сумма ≥ {{min}}, лучшие {{top_n}}',
      limit: 'Не больше {{limit}}',
      legacy: '{{label}}',
    },
  },
};

type Catalog = typeof ru;

const kk: Catalog = {
  funnel: {
    source: {
      feature_store: 'Барлық клиенттер (белгілер витринасы)',
      products_all: 'Барлық өнімнің иелері: {{products}}',
      products_any: 'Өнімдердің кез келгенінің иелері: {{products}}',
      upload: 'Жүктеу: {{name}}',
      audience: 'Сақталған аудитория: {{name}}',
    },
    step: {
      not_in_feature_store: 'Белгілер витринасында жоқ',
      list: 'Стоп-тізім: {{name}}',
      age_between: 'Жасы {{min}}–{{max}}',
      age_from: 'Жасы {{min}} және одан жоғары',
      age_to: 'Жасы {{max}} және одан төмен',
      gender: 'Жынысы: {{values}}',
      device: 'Құрылғы: {{values}}',
      filial: 'Филиалдар: {{codes}}',
      mau: 'Тек қосымшада белсенділер (MAU)',
      push_enabled: 'Тек push қосулы клиенттер',
      push_optout: 'Push-тан бас тартпағандар: {{event_types}}',
      product_has: 'Өнімі бар: {{products}}',
      product_has_not: 'Өнімі жоқ: {{products}}',
      stream: '{{stream}} бағытының жүріп жатқан және жоспарланған науқандарында жоқтар ({{groups}})',
      recent_contact: 'Соңғы {{days}} күнде байланыс болмағандар және жоспарланбағандар',
      recent_contact_streams: 'Соңғы {{days}} күнде байланыс болмағандар және жоспарланбағандар (бағыттар: {{streams}})',
      recent_contact_channels: 'Соңғы {{days}} күнде байланыс болмағандар және жоспарланбағандар (арналар: {{channels}})',
      recent_contact_streams_channels:
        'Соңғы {{days}} күнде байланыс болмағандар және жоспарланбағандар (бағыттар: {{streams}}; арналар: {{channels}})',
      frequency_cap: '{{days}} күнде {{max_contacts}} науқаннан аз (жоспарланғандарды қоса)',
      upload_include: 'Тек жүктеуден: {{name}}',
      upload_exclude: 'Жүктеудегілерсіз: {{name}}',
      rank: 'Ранжирлеу: {{columns}}',
      rank_min: 'Ранжирлеу: {{columns}}, қосынды ≥ {{min}}',
      rank_top: 'Ранжирлеу: {{columns}}, ең үздік {{top_n}}',
      rank_min_top: 'Ранжирлеу: {{columns}}, қосынды ≥ {{min}}, ең үздік {{top_n}}',
      limit: 'Ең көбі {{limit}}',
      legacy: '{{label}}',
    },
  },
};

const en: Catalog = {
  funnel: {
    source: {
      feature_store: 'All customers (feature store)',
      products_all: 'Owners of all of: {{products}}',
      products_any: 'Owners of any of: {{products}}',
      upload: 'Upload: {{name}}',
      audience: 'Saved audience: {{name}}',
    },
    step: {
      not_in_feature_store: 'Not in the feature store',
      list: 'Suppression list: {{name}}',
      age_between: 'Age {{min}}–{{max}}',
      age_from: 'Age from {{min}}',
      age_to: 'Age up to {{max}}',
      gender: 'Gender: {{values}}',
      device: 'Device: {{values}}',
      filial: 'Branch: {{codes}}',
      mau: 'Only active in the app (MAU)',
      push_enabled: 'Only with push on',
      push_optout: 'No push opt-out of: {{event_types}}',
      product_has: 'Has a product: {{products}}',
      product_has_not: 'Has no product: {{products}}',
      stream: 'Not in running or scheduled campaigns of stream {{stream}} ({{groups}})',
      recent_contact: 'Not contacted in {{days}} days and none scheduled',
      recent_contact_streams: 'Not contacted in {{days}} days and none scheduled (streams: {{streams}})',
      recent_contact_channels: 'Not contacted in {{days}} days and none scheduled (channels: {{channels}})',
      recent_contact_streams_channels:
        'Not contacted in {{days}} days and none scheduled (streams: {{streams}}; channels: {{channels}})',
      frequency_cap: 'Fewer than {{max_contacts}} campaigns in {{days}} days (incl. scheduled)',
      upload_include: 'Only from upload: {{name}}',
      upload_exclude: 'Without upload: {{name}}',
      rank: 'Ranking: {{columns}}',
      rank_min: 'Ranking: {{columns}}, sum ≥ {{min}}',
      rank_top: 'Ranking: {{columns}}, top {{top_n}}',
      rank_min_top: 'Ranking: {{columns}}, sum ≥ {{min}}, top {{top_n}}',
      limit: 'At most {{limit}}',
      legacy: '{{label}}',
    },
  },
};

export const funnelCodes = { ru, kk, en };
