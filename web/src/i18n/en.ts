import { audienceEn } from './audience';
import { authEn } from './auth';
import { campaignEn } from './campaign';
import { experimentEn } from './experiment';
import { distributionEn } from './distribution';
import { theoriesEn } from './theories';
import { monitoringEn } from './monitoring';
import { refdataEn } from './refdata';
import { sourcesEn } from './sources';
import { queriesEn } from './queries';
import { uploadsEn } from './uploads';
import type { Messages } from './ru';
import * as serverCodes from './codes';

const en: Messages = {
  app: { name: 'DataQuery Pro' },
  nav: {
    campaignManager: 'Campaign Manager',
    activeTheories: 'Active Theories',
    uploads: 'Uploads',
    queryBuilder: 'Query Builder',
    datasets: 'Datasets',
    monitoring: 'Monitoring',
    monitoringOverview: 'Overview',
    distribution: 'Distribution',
    admin: 'Admin',
    users: 'Users',
    audit: 'Audit log',
    reference: 'Reference data',
    settings: 'Settings',
    dataSources: 'Data sources',
  },
  header: {
    language: 'Interface language',
  },
  health: {
    ok: 'System is up',
    degraded: 'System degraded',
    unreachable: 'Server unreachable',
    checking: 'Checking…',
    version: 'Version {{version}}',
    warehouse: 'Warehouse: {{dialect}}, {{state}}',
    reachable: 'reachable',
    notReachable: 'not reachable',
  },
  notFound: {
    title: 'Page not found',
    subtitle: 'DataQuery Pro has no page at {{path}}.',
    home: 'Go to datasets',
  },
  codes: serverCodes.en,
  errors: {
    fields: {
      age: 'Age',
      limit: 'Limit',
      title: 'Title',
      body: 'Text',
      start_date: 'Start date',
      end_date: 'End date',
      stream: 'Stream',
      channels: 'Channels',
      popup: 'Pop-up',
      rb3: 'Bonus terms',
      bonus_value: 'Bonus value',
      accrual_end: 'Accrual end',
      push_event_type: 'Push event type',
      audience_id: 'Audience',
      username: 'Username',
      password: 'Password',
      current_password: 'Your password',
      name: 'Name',
      list: 'Suppression list',
      codes: 'Filials',
      event_types: 'Push event types',
      products: 'Products',
      streams: 'Streams',
      upload_id: 'Upload',
      sum_of: 'Scoring',
      top_n: 'Top',
      days: 'Days',
      control_share: 'Control share',
      role: 'Role',
    },
    network: 'The server did not answer. Check that it is running and try again.',
    unauthenticated: 'You need to sign in: this data is only for users with an account.',
    retry: 'Retry',
  },
  datasets: {
    title: 'Datasets',
    intro: 'Warehouse tables that audiences are built from: the feature store, suppression lists, products and pools.',
    count: 'Datasets',
    totalRows: 'Total rows',
    lastRefresh: 'Last refresh',
    loadError: 'Could not load datasets',
    empty: 'No datasets yet. Load the demo data with “dataquery demo”.',
    never: 'never refreshed',
    columnsTitle: 'Columns ({{count}})',
    table: 'Table',
    source: 'Source',
    col: {
      name: 'Dataset',
      category: 'Category',
      description: 'Description',
      rows: 'Rows',
      refreshedAt: 'Refreshed',
      columnName: 'Column',
      columnType: 'Type',
    },
    category: {
      feature_store: 'Feature store',
      blacklist: 'Suppression list',
      abc_model: 'ABC model',
      push: 'Push',
      product: 'Products',
      analytics: 'Analytics',
      pool: 'Pool',
      upload: 'Upload',
    },
  },
  audience: audienceEn,
  campaign: campaignEn,
  ...authEn,
  ...uploadsEn,
  ...monitoringEn,
  ...refdataEn,
  ...sourcesEn,
  experiment: experimentEn,
  ...queriesEn,
  ...theoriesEn,
  ...distributionEn,
};

export default en;
