import { ApiError, errorMessage, toApiError, unwrap } from './errors';

const response = (status: number) => new Response(null, { status, statusText: 'Whatever' });

describe('API errors', () => {
  it("carries the server's detail and error class", () => {
    const error = toApiError({ error: 'Conflict', detail: 'Кампания уже развёрнута' }, response(409));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Кампания уже развёрнута');
    expect(error.errorClass).toBe('Conflict');
    expect(error.status).toBe(409);
  });

  it('flattens FastAPI validation errors', () => {
    const body = { detail: [{ loc: ['body', 'spec', 'limit'], msg: 'must be positive' }] };
    expect(toApiError(body, response(422)).message).toBe('spec.limit: must be positive');
  });

  it('falls back to the status when the body says nothing', () => {
    expect(toApiError(undefined, response(502)).message).toBe('502 Whatever');
  });

  it('unwrap returns data on success and throws otherwise', () => {
    expect(unwrap({ data: { a: 1 }, response: new Response('{}', { status: 200 }) })).toEqual({ a: 1 });
    expect(() => unwrap({ error: { error: 'NotFound', detail: 'нет' }, response: response(404) })).toThrow('нет');
  });

  it('gives a plain message when no answer came', () => {
    expect(errorMessage(new TypeError('Failed to fetch'), 'offline')).toBe('offline');
  });
});
