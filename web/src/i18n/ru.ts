import { audienceRu } from './audience';
import { authRu } from './auth';
import { campaignRu } from './campaign';
import { experimentRu } from './experiment';
import { distributionRu } from './distribution';
import { theoriesRu } from './theories';
import { monitoringRu } from './monitoring';
import { refdataRu } from './refdata';
import { sourcesRu } from './sources';
import { queriesRu } from './queries';
import { uploadsRu } from './uploads';
import * as serverCodes from './codes';

const ru = {
  app: { name: 'DataQuery Pro' },
  nav: {
    campaignManager: 'Менеджер кампаний',
    activeTheories: 'Активные теории',
    uploads: 'Загрузки',
    queryBuilder: 'Конструктор запросов',
    datasets: 'Наборы данных',
    monitoring: 'Мониторинг',
    monitoringOverview: 'Обзор',
    distribution: 'Распределение',
    admin: 'Администрирование',
    users: 'Пользователи',
    audit: 'Журнал аудита',
    reference: 'Справочники',
    settings: 'Настройки',
    dataSources: 'Источники данных',
  },
  header: {
    language: 'Язык интерфейса',
  },
  health: {
    ok: 'Система работает',
    degraded: 'Работа нарушена',
    unreachable: 'Сервер недоступен',
    checking: 'Проверка связи…',
    version: 'Версия {{version}}',
    warehouse: 'Хранилище: {{dialect}}, {{state}}',
    reachable: 'доступно',
    notReachable: 'недоступно',
  },
  notFound: {
    title: 'Страница не найдена',
    subtitle: 'Адреса {{path}} в DataQuery Pro нет.',
    home: 'К наборам данных',
  },
  codes: serverCodes.ru,
  errors: {
    fields: {
      age: 'Возраст',
      limit: 'Лимит',
      title: 'Заголовок',
      body: 'Текст',
      start_date: 'Дата начала',
      end_date: 'Дата окончания',
      stream: 'Поток',
      channels: 'Каналы',
      popup: 'Pop-up',
      rb3: 'Бонусные условия',
      bonus_value: 'Размер бонуса',
      accrual_end: 'Конец начисления',
      push_event_type: 'Тип push-события',
      audience_id: 'Аудитория',
      username: 'Имя пользователя',
      password: 'Пароль',
      current_password: 'Ваш пароль',
      name: 'Название',
      list: 'Стоп-лист',
      codes: 'Филиалы',
      event_types: 'Типы push-событий',
      products: 'Продукты',
      streams: 'Потоки',
      upload_id: 'Загрузка',
      sum_of: 'Скоринг',
      top_n: 'Лучшие',
      days: 'Дни',
      control_share: 'Доля контрольной группы',
      role: 'Роль',
    },
    network: 'Сервер не ответил. Проверьте, что он запущен, и повторите попытку.',
    unauthenticated: 'Нужно войти в систему: эти данные доступны только пользователям с учётной записью.',
    retry: 'Повторить',
  },
  datasets: {
    title: 'Наборы данных',
    intro: 'Таблицы хранилища, из которых собираются аудитории: витрина признаков, стоп-листы, продукты и пулы.',
    count: 'Наборов данных',
    totalRows: 'Всего строк',
    lastRefresh: 'Последнее обновление',
    loadError: 'Не удалось загрузить наборы данных',
    empty: 'Наборов данных пока нет. Загрузите демо-данные командой «dataquery demo».',
    never: 'не обновлялся',
    columnsTitle: 'Столбцы ({{count}})',
    table: 'Таблица',
    source: 'Источник',
    col: {
      name: 'Набор',
      category: 'Категория',
      description: 'Описание',
      rows: 'Строк',
      refreshedAt: 'Обновлён',
      columnName: 'Столбец',
      columnType: 'Тип',
    },
    category: {
      feature_store: 'Витрина признаков',
      blacklist: 'Стоп-лист',
      abc_model: 'ABC-модель',
      push: 'Push',
      product: 'Продукты',
      analytics: 'Аналитика',
      pool: 'Пул',
      upload: 'Загрузка',
    },
  },
  audience: audienceRu,
  campaign: campaignRu,
  ...authRu,
  ...uploadsRu,
  ...monitoringRu,
  ...refdataRu,
  ...sourcesRu,
  experiment: experimentRu,
  ...queriesRu,
  ...theoriesRu,
  ...distributionRu,
};

export default ru;
export type Messages = typeof ru;
