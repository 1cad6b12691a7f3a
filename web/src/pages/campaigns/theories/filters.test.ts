import i18n from '../../../i18n';
import { filenameOf } from './api';
import { filtersFromParams, listQuery, NO_FILTERS, paramsFromFilters, withFilters } from './filters';
import { pastedValues } from './members';
import { statusName } from './status';

describe('the list view in the address', () => {
  it('reads every filter, and writes back the same address', () => {
    const search =
      'q=%D0%BA%D1%8D%D1%88%D0%B1%D1%8D%D0%BA&type=RB3&stream=bzk&status=scheduled&status=active&owner=bob&from=2025-03-01&to=2025-03-31&sort=-start_date&page=4&size=50';
    const filters = filtersFromParams(new URLSearchParams(search));
    expect(filters).toEqual({
      q: 'кэшбэк',
      type: 'RB3',
      stream: 'bzk',
      status: ['scheduled', 'active'],
      owner: 'bob',
      from: '2025-03-01',
      to: '2025-03-31',
      sort: '-start_date',
      page: 4,
      size: 50,
    });
    expect(paramsFromFilters(filters).toString()).toBe(search);
    expect(listQuery(filters)).toEqual({
      q: 'кэшбэк',
      type: 'RB3',
      stream: 'bzk',
      state: ['scheduled', 'active'],
      owner: 'bob',
      date_from: '2025-03-01',
      date_to: '2025-03-31',
      sort: '-start_date',
      limit: 50,
      offset: 150,
    });
  });

  it('leaves the default view out of the address and the query', () => {
    expect(paramsFromFilters(NO_FILTERS).toString()).toBe('');
    expect(listQuery(NO_FILTERS)).toEqual({ sort: '-created_at', limit: 20, offset: 0 });
  });

  it('ignores what it does not know', () => {
    const filters = filtersFromParams(
      new URLSearchParams('type=RB2&status=deleted&status=draft&from=2025-13-45&to=soon&sort=secret&page=0&size=13&q=%20%20'),
    );
    expect(filters).toEqual({ ...NO_FILTERS, status: ['draft'] });
  });

  it('goes back to the first page when a filter changes', () => {
    expect(withFilters({ ...NO_FILTERS, page: 5 }, { owner: 'bob' })).toEqual({ ...NO_FILTERS, owner: 'bob', page: 1 });
  });
});

describe('helpers', () => {
  it('splits pasted IINs at line breaks, spaces, commas and semicolons, keeping Excel numbers whole', () => {
    expect(pastedValues('610316300015\r\n30101600003;\t6,1211600012E+11 , 6.1211600012E+11,,  12-34\n')).toEqual([
      '610316300015',
      '30101600003',
      '6,1211600012E+11',
      '6.1211600012E+11',
      '12-34',
    ]);
    expect(pastedValues('  \n ')).toEqual([]);
  });

  it('reads the file name of a download', () => {
    expect(filenameOf('attachment; filename="C000000101_all.xlsx"')).toBe('C000000101_all.xlsx');
    expect(filenameOf("attachment; filename*=UTF-8''%D1%84%D0%B0%D0%B9%D0%BB.csv")).toBe('файл.csv');
    expect(filenameOf('attachment; filename=plain.csv')).toBe('plain.csv');
    expect(filenameOf(null)).toBeNull();
  });

  it('names stored and effective statuses, and keeps an unknown one as is', () => {
    const t = i18n.getFixedT('ru');
    expect(statusName('scheduled', t)).toBe('Запланирована');
    expect(statusName('deployed', t)).toBe('Развёрнута');
    expect(statusName('archived', t)).toBe('archived');
  });
});
