import i18n from '../i18n';
import { ApiError, errorMessage, toApiError, unwrap } from './errors';

const response = (status: number) => new Response(null, { status, statusText: 'Whatever' });
const t = i18n.t.bind(i18n);

const ageBody = {
  error: 'InvalidInput',
  code: 'validation.failed',
  detail: 'spec.filters.1.age: age min 50 is above max 30',
  params: {},
  errors: [
    {
      field: 'spec.filters.1.age',
      code: 'audience.filter.age.min_above_max',
      params: { min: 50, max: 30 },
      message: 'age min 50 is above max 30',
    },
  ],
};

describe('API errors', () => {
  afterEach(async () => {
    await i18n.changeLanguage('ru');
  });

  it('carries the error class, code, params and items of the one error body', () => {
    const error = toApiError(ageBody, response(422));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.errorClass).toBe('InvalidInput');
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation.failed');
    expect(error.message).toBe(ageBody.detail);
    expect(error.errors).toEqual(ageBody.errors);
  });

  it('renders the code and each item with its field in the interface language', async () => {
    const error = toApiError(ageBody, response(422));
    expect(errorMessage(error, t)).toBe(
      'Проверьте введённые данные. Возраст: Минимальный возраст 50 больше максимального 30.',
    );
    await i18n.changeLanguage('kk');
    expect(errorMessage(error, t)).toBe(
      'Енгізілген деректерді тексеріңіз. Жасы: Ең кіші жас 50 ең үлкен жас 30 мәнінен асып тұр.',
    );
    await i18n.changeLanguage('en');
    expect(errorMessage(error, t)).toBe('Check what you entered. Age: The minimum age 50 is above the maximum 30.');
  });

  it('never shows the English detail of an unknown code outside English', async () => {
    const body = { error: 'Conflict', code: 'nobody.knows', detail: 'something odd', params: {}, errors: [] };
    const error = toApiError(body, response(409));
    expect(errorMessage(error, t)).toBe(t('codes.http.conflict'));
    expect(errorMessage(error, t)).not.toMatch(/something/);
    await i18n.changeLanguage('en');
    expect(errorMessage(error, t)).toBe('something odd');
  });

  it('names roles in the interface language', async () => {
    const body = { error: 'PermissionDenied', code: 'auth.role_required', detail: 'x', params: { role: 'analyst', user_role: 'user' } };
    const error = toApiError(body, response(403));
    expect(errorMessage(error, t)).toBe('Для этого действия нужна роль «Аналитик»; ваша роль — «Пользователь».');
    await i18n.changeLanguage('kk');
    expect(errorMessage(error, t)).toBe('Бұл әрекетке «Талдаушы» рөлі қажет; сіздің рөліңіз — «Пайдаланушы».');
  });

  it('falls back to the status when the body says nothing', () => {
    const error = toApiError(undefined, response(502));
    expect(error.message).toBe('502 Whatever');
    expect(errorMessage(error, t)).toBe(t('codes.internal_error'));
  });

  it('unwrap returns data on success and throws otherwise', () => {
    expect(unwrap({ data: { a: 1 }, response: new Response('{}', { status: 200 }) })).toEqual({ a: 1 });
    expect(() => unwrap({ error: { error: 'NotFound', detail: 'нет' }, response: response(404) })).toThrow('нет');
  });

  it('gives a plain message when no answer came', () => {
    expect(errorMessage(new TypeError('Failed to fetch'), t)).toBe(t('errors.network'));
  });
});
