import { toInfobipBody } from './infobip-errors';

describe("the email API's errors", () => {
  it("read as Infobip's BAD_REQUEST with the fields named", () => {
    const body = toInfobipBody({
      statusCode: 400,
      error: 'Bad Request',
      message: 'from is required; to is required',
      errors: [
        { field: 'from', message: 'is required' },
        { field: 'to', message: 'is required' },
        { field: 'to', message: 'has more than 1000 recipients' },
      ],
    });
    expect(body).toEqual({
      requestError: {
        serviceException: {
          messageId: 'BAD_REQUEST',
          text: 'from is required; to is required',
          validationErrors: { from: ['is required'], to: ['is required', 'has more than 1000 recipients'] },
        },
      },
    });
  });

  it("read as Infobip's UNAUTHORIZED with its text", () => {
    expect(toInfobipBody({ statusCode: 401, error: 'Unauthorized', message: 'the API key is not valid' })).toEqual({
      requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } },
    });
  });

  it('name a single field, and map server errors to GENERAL_ERROR', () => {
    expect(toInfobipBody({ statusCode: 404, error: 'Not Found', message: 'no such bulk', field: 'bulkId' })).toEqual({
      requestError: { serviceException: { messageId: 'NOT_FOUND', text: 'no such bulk', validationErrors: { bulkId: ['no such bulk'] } } },
    });
    expect(
      toInfobipBody({ statusCode: 503, error: 'Service Unavailable', message: 'try again' }).requestError.serviceException.messageId,
    ).toBe('GENERAL_ERROR');
  });

  it("name fields called like Object's members as any other", () => {
    const body = toInfobipBody({
      statusCode: 400,
      error: 'Bad Request',
      message: 'hasOwnProperty should not exist',
      errors: [
        { field: 'hasOwnProperty', message: 'should not exist' },
        { field: 'constructor', message: 'should not exist' },
      ],
    });
    expect(JSON.parse(JSON.stringify(body)).requestError.serviceException.validationErrors).toEqual({
      hasOwnProperty: ['should not exist'],
      constructor: ['should not exist'],
    });
  });
});
