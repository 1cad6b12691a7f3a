import i18n from '../../i18n';
import { ApiError } from '../../api/errors';
import { describeUploadProblem } from './messages';
import { UploadError } from './transport';

const t = i18n.t.bind(i18n);

function rejected(status: number, body: Record<string, unknown>) {
  return new UploadError(new ApiError(String(body.detail), status, String(body.error)), body as never);
}

describe('describeUploadProblem', () => {
  it('names the limit of a 413 and explains a 415', () => {
    const large = describeUploadProblem(
      rejected(413, { error: 'PayloadTooLarge', detail: 'the file is larger than 20 MB, the upload limit (DQ_UPLOAD_MAX_MB)' }),
      t,
    );
    expect(large.title).toBe('Файл слишком большой');
    expect(large.description).toMatch(/^Предел загрузки — 20 МБ/);

    const png = describeUploadProblem(
      rejected(415, {
        error: 'UnsupportedMediaType',
        detail: 'the file is a PNG image; upload CSV, TSV, text (one IIN a line), XLSX, XLS or Parquet',
      }),
      t,
    );
    expect(png.title).toBe('Этот файл не подходит');
    expect(png.description).toBe(
      'Это изображение, а не таблица. Загрузите CSV, TSV, текст (один ИИН в строке), XLSX, XLS или Parquet.',
    );
  });

  it('offers every column, the likely ones first, when no column looks like IINs', () => {
    const problem = describeUploadProblem(
      rejected(422, {
        error: 'InvalidInput',
        detail: "no column looks like IINs; say which one with iin_column: 'a', 'b'",
        candidates: ['b'],
        columns: ['a', 'b', 'c'],
      }),
      t,
    );
    expect(problem.title).toBe('Не удалось найти столбец с ИИН — выберите его');
    expect(problem.picker).toEqual({ kind: 'column', options: ['b', 'a', 'c'] });
  });

  it('offers the sheets when the requested one is missing, and shows an unknown detail as is', () => {
    const sheet = describeUploadProblem(
      rejected(422, { error: 'InvalidInput', detail: "the workbook has no sheet 'X'", sheets: ['Лист1', 'Лист2'] }),
      t,
    );
    expect(sheet.picker).toEqual({ kind: 'sheet', options: ['Лист1', 'Лист2'] });

    const other = describeUploadProblem(rejected(422, { error: 'InvalidInput', detail: 'send one file per upload' }), t);
    expect(other.title).toBe('Файл не принят');
    expect(other.description).toBe('send one file per upload');
  });

  it('tells a network failure from an answer', () => {
    expect(describeUploadProblem(new TypeError('Failed to fetch'), t).description).toMatch(/^Сервер не ответил/);
  });
});
