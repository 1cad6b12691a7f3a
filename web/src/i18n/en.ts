import { audienceEn } from './audience';
import { authEn } from './auth';
import { campaignEn } from './campaign';
import { funnelCodes } from './codes/funnel';
import { iinCodes } from './codes/iin';
import { noticeCodes } from './codes/notices';
import { theoriesEn } from './theories';
import { uploadsEn } from './uploads';
import type { Messages } from './ru';

const en: Messages = {
  app: { name: 'DataQuery Pro' },
  nav: {
    campaignManager: 'Campaign Manager',
    activeTheories: 'Active Theories',
    uploads: 'Uploads',
    queryBuilder: 'Query Builder',
    datasets: 'Datasets',
    monitoring: 'Monitoring',
    admin: 'Admin',
    users: 'Users',
    audit: 'Audit log',
    reference: 'Reference data',
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
  wip: {
    title: 'Under construction',
    campaignManager:
      'Here an analyst will build an audience step by step through the funnel, split it into target and control groups and register the campaign.',
    uploads: 'Here you will upload an Excel or CSV file of IINs and get a validation report.',
    queryBuilder: 'Here you will compose a query over a dataset, view the result and export it.',
    monitoring: 'Here will be the system status, background jobs and the daily pool distribution.',
    reference: 'Here an administrator will edit reference data: streams, branches, push event types and channels.',
  },
  notFound: {
    title: 'Page not found',
    subtitle: 'DataQuery Pro has no page at {{path}}.',
    home: 'Go to datasets',
  },
  errors: {
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
  ...theoriesEn,
  codes: {
    ...funnelCodes.en,
    ...iinCodes.en,
    ...noticeCodes.en,
  },
};

export default en;
