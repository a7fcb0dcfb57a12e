import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { IntegrationAuthDto, OAuth2AuthDto } from '../integrations/dto/integration-auth.dto';
import { UpdateIntegrationDto } from '../integrations/dto/update-integration.dto';
import { GateEndpointDto } from '../send-gate/dto/gate-endpoint.dto';
import { createValidationPipe } from './validation';

/** "One of" bodies through the API's own validation pipe, as a request body meets it. */
describe('a "one of" body', () => {
  const sut = createValidationPipe();
  const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

  async function refusal(metatype: ArgumentMetadata['metatype'], value: unknown): Promise<Array<{ field: string; message: string }>> {
    try {
      await sut.transform(value, body(metatype));
    } catch (error) {
      if (error instanceof BadRequestException)
        return (error.getResponse() as { errors: Array<{ field: string; message: string }> }).errors;
      throw error;
    }
    throw new Error('the body was accepted');
  }

  describe('when it is the body itself', () => {
    it('is validated as the variant its discriminator names', async () => {
      const auth = await sut.transform(
        { type: 'oauth2', tokenUrl: 'https://auth.example.com/token', clientId: 'id', clientSecret: 's' },
        body(IntegrationAuthDto),
      );
      expect(auth).toBeInstanceOf(OAuth2AuthDto);
      expect(auth).toMatchObject({ type: 'oauth2', clientId: 'id' });
    });

    it("names the variant's bad and missing fields", async () => {
      expect(await refusal(IntegrationAuthDto, { type: 'basic', username: '' })).toEqual([
        { field: 'username', message: 'must be a string of 1 to 200 characters' },
        { field: 'password', message: 'must be a string of 1 to 500 characters' },
      ]);
    });

    it('refuses a field another variant has', async () => {
      expect(await refusal(IntegrationAuthDto, { type: 'none', password: 'x' })).toEqual([
        { field: 'password', message: 'property password should not exist' },
      ]);
    });

    it('names only the discriminator when it matches no variant', async () => {
      expect(await refusal(IntegrationAuthDto, { type: 'oauth', clientId: 'x' })).toEqual([
        { field: 'type', message: 'must be one of none, basic, oauth2' },
      ]);
      expect(await refusal(GateEndpointDto, { transport: 'ftp' })).toEqual([{ field: 'transport', message: 'must be "http" or "sqs"' }]);
    });

    it('names the discriminator of an absent body', async () => {
      expect(await refusal(IntegrationAuthDto, undefined)).toEqual([{ field: 'type', message: 'must be one of none, basic, oauth2' }]);
    });

    it('does not take a discriminator inherited from Object.prototype', async () => {
      expect(await refusal(IntegrationAuthDto, { type: 'constructor' })).toEqual([
        { field: 'type', message: 'must be one of none, basic, oauth2' },
      ]);
    });
  });

  describe('when it is nested', () => {
    it('names the nested fields under their parent', async () => {
      expect(
        await refusal(GateEndpointDto, { transport: 'http', url: 'http://127.0.0.1:9/x', auth: { type: 'basic', username: 'u' } }),
      ).toEqual([{ field: 'auth.password', message: 'must be a non-empty string of at most 500 characters' }]);
      expect(
        await refusal(UpdateIntegrationDto, {
          auth: { type: 'oauth2', tokenUrl: 'https://a.example/t', clientId: 'c', clientSecret: 's', credentialsIn: 'query' },
        }),
      ).toEqual([{ field: 'auth.credentialsIn', message: 'must be "body" or "header"' }]);
    });

    it('names only the nested discriminator when it matches no variant', async () => {
      expect(
        await refusal(GateEndpointDto, { transport: 'http', url: 'http://127.0.0.1:9/x', auth: { type: 'oauth', token: 't' } }),
      ).toEqual([{ field: 'auth.type', message: 'must be one of none, basic, header' }]);
    });

    it('refuses something other than an object', async () => {
      const errors = await refusal(UpdateIntegrationDto, { auth: 'basic' });
      expect(errors.map((e) => e.field)).toEqual(['auth', 'auth']);
      expect(errors[0].message).toBe('must be an object');
      expect((await refusal(UpdateIntegrationDto, { auth: null }))[0]).toEqual({ field: 'auth', message: 'must be an object' });
    });

    it('keeps a header name check to one message per problem', async () => {
      expect(
        await refusal(GateEndpointDto, {
          transport: 'http',
          url: 'http://127.0.0.1:9/x',
          auth: { type: 'header', name: 'X Key', value: 'v' },
        }),
      ).toEqual([{ field: 'auth.name', message: 'must be an HTTP header name' }]);
      expect(
        await refusal(GateEndpointDto, { transport: 'http', url: 'http://127.0.0.1:9/x', auth: { type: 'header', name: 5, value: 'v' } }),
      ).toEqual([{ field: 'auth.name', message: 'must be a non-empty string of at most 100 characters' }]);
    });
  });
});
