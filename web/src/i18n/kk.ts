import { audienceKk } from './audience';
import { authKk } from './auth';
import { campaignKk } from './campaign';
import type { Messages } from './ru';
import { experimentKk } from './experiment';
import { distributionKk } from './distribution';
import { theoriesKk } from './theories';
import { monitoringKk } from './monitoring';
import { refdataKk } from './refdata';
import { sourcesKk } from './sources';
import { queriesKk } from './queries';
import { uploadsKk } from './uploads';
import * as serverCodes from './codes';

/** Kazakh (kk-KZ, Cyrillic script as written in Kazakhstan): ИИН is ЖСН, БИН is БСН. */
const kk: Messages = {
  app: { name: 'DataQuery Pro' },
  nav: {
    campaignManager: 'Науқандар менеджері',
    activeTheories: 'Белсенді теориялар',
    uploads: 'Жүктеулер',
    queryBuilder: 'Сұрау конструкторы',
    datasets: 'Деректер жиындары',
    monitoring: 'Мониторинг',
    monitoringOverview: 'Шолу',
    distribution: 'Бөлу',
    admin: 'Әкімшілік',
    users: 'Пайдаланушылар',
    audit: 'Аудит журналы',
    reference: 'Анықтамалықтар',
    settings: 'Баптаулар',
    dataSources: 'Деректер көздері',
  },
  header: {
    language: 'Интерфейс тілі',
  },
  health: {
    ok: 'Жүйе жұмыс істеп тұр',
    degraded: 'Жұмыста іркіліс бар',
    unreachable: 'Сервер қолжетімсіз',
    checking: 'Байланыс тексерілуде…',
    version: 'Нұсқа {{version}}',
    warehouse: 'Қойма: {{dialect}}, {{state}}',
    reachable: 'қолжетімді',
    notReachable: 'қолжетімсіз',
  },
  notFound: {
    title: 'Бет табылмады',
    subtitle: 'DataQuery Pro жүйесінде {{path}} мекенжайы жоқ.',
    home: 'Деректер жиындарына',
  },
  codes: serverCodes.kk,
  errors: {
    fields: {
      age: 'Жасы',
      limit: 'Шектеу',
      title: 'Тақырып',
      body: 'Мәтін',
      start_date: 'Басталу күні',
      end_date: 'Аяқталу күні',
      stream: 'Ағын',
      channels: 'Арналар',
      popup: 'Pop-up',
      rb3: 'Бонус шарттары',
      bonus_value: 'Бонус мөлшері',
      accrual_end: 'Есептеудің аяқталуы',
      push_event_type: 'Push-оқиға түрі',
      audience_id: 'Аудитория',
      username: 'Пайдаланушы аты',
      password: 'Құпиясөз',
      current_password: 'Құпиясөзіңіз',
      name: 'Атауы',
      list: 'Тоқтату тізімі',
      codes: 'Филиалдар',
      event_types: 'Push-оқиға түрлері',
      products: 'Өнімдер',
      streams: 'Ағындар',
      upload_id: 'Жүктеу',
      sum_of: 'Скоринг бағалары',
      top_n: 'Үздіктері',
      days: 'Күндер',
      control_share: 'Бақылау тобының үлесі',
      role: 'Рөл',
    },
    network: 'Сервер жауап бермеді. Оның іске қосылғанын тексеріп, қайталап көріңіз.',
    unauthenticated: 'Жүйеге кіру қажет: бұл деректер тек тіркелгісі бар пайдаланушыларға қолжетімді.',
    retry: 'Қайталау',
  },
  datasets: {
    title: 'Деректер жиындары',
    intro:
      'Аудиториялар жиналатын қойма кестелері: белгілер витринасы, стоп-тізімдер, өнімдер және пулдар.',
    count: 'Деректер жиындары',
    totalRows: 'Барлық жолдар',
    lastRefresh: 'Соңғы жаңарту',
    loadError: 'Деректер жиындарын жүктеу мүмкін болмады',
    empty: 'Әзірге деректер жиындары жоқ. Демо-деректерді «dataquery demo» командасымен жүктеңіз.',
    never: 'жаңартылмаған',
    columnsTitle: 'Бағандар ({{count}})',
    table: 'Кесте',
    source: 'Дереккөз',
    col: {
      name: 'Жиын',
      category: 'Санаты',
      description: 'Сипаттамасы',
      rows: 'Жолдар',
      refreshedAt: 'Жаңартылған',
      columnName: 'Баған',
      columnType: 'Түрі',
    },
    category: {
      feature_store: 'Белгілер витринасы',
      blacklist: 'Стоп-тізім',
      abc_model: 'ABC-модель',
      push: 'Push',
      product: 'Өнімдер',
      analytics: 'Аналитика',
      pool: 'Пул',
      upload: 'Жүктеу',
    },
  },
  audience: audienceKk,
  campaign: campaignKk,
  ...authKk,
  ...uploadsKk,
  ...monitoringKk,
  ...refdataKk,
  ...sourcesKk,
  experiment: experimentKk,
  ...queriesKk,
  ...theoriesKk,
  ...distributionKk,
};

export default kk;
