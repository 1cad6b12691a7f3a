import i18n from '../../i18n';
import { toApiError } from '../../api/errors';
import { describeUploadProblem } from './messages';
import { UploadError } from './transport';

const t = i18n.t.bind(i18n);

function rejected(status: number, body: Record<string, unknown>) {
  const full = { params: {}, errors: [], ...body };
  return new UploadError(toApiError(full, new Response(null, { status })), full as never);
}

describe('describeUploadProblem', () => {
  it('names the limit of a 413 and explains a 415', () => {
    const large = describeUploadProblem(
      rejected(413, {
        error: 'PayloadTooLarge',
        code: 'upload.too_large',
        params: { max_mb: 20 },
        detail: 'the file is larger than 20 MB, the upload limit (DQ_UPLOAD_MAX_MB)',
      }),
      t,
    );
    expect(large.title).toBe('Файл слишком большой');
    expect(large.description).toBe('Файл больше допустимых 20 МБ.');

    const png = describeUploadProblem(
      rejected(415, {
        error: 'UnsupportedMediaType',
        code: 'upload.unsupported_type',
        detail: 'the file is a PNG image; upload CSV, TSV, text (one IIN a line), XLSX, XLS or Parquet',
      }),
      t,
    );
    expect(png.title).toBe('Этот файл не подходит');
    expect(png.description).toBe('Неподдерживаемый тип файла. Загрузите CSV, TXT, XLSX, XLS или Parquet.');
  });

  it('offers every column, the likely ones first, when no column looks like IINs', () => {
    const problem = describeUploadProblem(
      rejected(422, {
        error: 'InvalidInput',
        code: 'upload.no_iin_column',
        detail: "no column looks like IINs; say which one with iin_column: 'a', 'b'",
        candidates: ['b'],
        columns: ['a', 'b', 'c'],
      }),
      t,
    );
    expect(problem.title).toBe('Не удалось найти столбец с ИИН — выберите его');
    expect(problem.picker).toEqual({ kind: 'column', options: ['b', 'a', 'c'] });
  });

  it('offers the sheets when the requested one is missing, and never shows an unknown detail in Russian', () => {
    const sheet = describeUploadProblem(
      rejected(422, { error: 'InvalidInput', detail: "the workbook has no sheet 'X'", sheets: ['Лист1', 'Лист2'] }),
      t,
    );
    expect(sheet.picker).toEqual({ kind: 'sheet', options: ['Лист1', 'Лист2'] });

    const one = describeUploadProblem(
      rejected(422, { error: 'InvalidInput', code: 'upload.one_file', detail: 'send one file per upload' }),
      t,
    );
    expect(one.title).toBe('Файл не принят');
    expect(one.description).toBe('Загружайте по одному файлу.');
    const other = describeUploadProblem(rejected(422, { error: 'InvalidInput', code: 'x.new', detail: 'new prose' }), t);
    expect(other.description).toBe('Проверьте введённые данные.');
  });

  it('tells a network failure from an answer', () => {
    expect(describeUploadProblem(new TypeError('Failed to fetch'), t).description).toMatch(/^Сервер не ответил/);
  });
});
