/**
 * The OpenAPI document (/docs-json, served by SwaggerModule.setup('docs')) against the routes the
 * application really serves: a route added without a body DTO, an answer DTO or the error shape
 * makes this fail, naming it.
 */
import { TestStack } from '../harness';
import { Route, listRoutes } from '../routes';

type Schema = Record<string, any>;
interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/** Public, take no input: nothing to refuse. */
const NO_ERROR_ANSWERS = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];

describe('the OpenAPI document', () => {
  let stack: TestStack;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
  let routes: Route[];

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'sqlite' });
    const response = await fetch(`${stack.baseUrl}/docs-json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as typeof doc;
    routes = listRoutes(stack.app);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const name = (route: Route) => `${route.method} ${route.path}`;
  const operation = (route: Route): Operation | undefined => doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
  const component = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')];

  /**
   * A schema says what goes there: a component with properties, a list or a choice of such, text
   * (a stream, NDJSON), or an object explicitly left free-form. A bare {type: "object"}, which is
   * what an `unknown` body or an untyped answer becomes, does not.
   */
  function describes(schema: Schema | undefined, depth = 0): boolean {
    if (!schema || depth > 5) return false;
    if (schema.$ref) return Object.keys(component(schema.$ref)?.properties ?? {}).length > 0;
    if (schema.oneOf ?? schema.anyOf) return (schema.oneOf ?? schema.anyOf).every((s: Schema) => describes(s, depth + 1));
    if (schema.type === 'array') return describes(schema.items, depth + 1);
    if (schema.type === 'string') return true;
    return schema.type === 'object' && (schema.additionalProperties !== undefined || Object.keys(schema.properties ?? {}).length > 0);
  }

  const undescribed = (content: Record<string, { schema?: Schema }> | undefined) =>
    content === undefined || Object.keys(content).length === 0 || Object.values(content).some((media) => !describes(media.schema));

  it('finds the routes of every controller, the public ones included', () => {
    expect(routes.map(name)).toEqual(
      expect.arrayContaining([
        'PUT /v1/integrations/:id/auth',
        'PUT /v1/send-gate/endpoint',
        'POST /email/3/send',
        'PUT /v1/api-keys/:id/email-defaults',
        'PUT /v1/projects/:id/email-defaults',
        'POST /gate/v1/data/:token',
        'POST /sandbox/esp/messages',
        'GET /health/live',
      ]),
    );
    expect(routes.find((r) => name(r) === 'POST /v1/sendouts/:id/cancel')?.readsBody).toBe(false);
  });

  it('lists every route with its method', () => {
    expect(routes.filter((route) => !operation(route)).map(name)).toEqual([]);
  });

  it('describes the body of every route that reads one', () => {
    const missing = routes.filter((route) => route.readsBody && undescribed(operation(route)?.requestBody?.content));
    expect(missing.map(name)).toEqual([]);
  });

  it('describes a success answer of every route: a body, or 204 with none', () => {
    const missing = routes.filter((route) => {
      const success = Object.entries(operation(route)?.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      return (
        success.length === 0 ||
        success.some(([status, answer]) => (status === '204' ? answer.content !== undefined : undescribed(answer.content)))
      );
    });
    expect(missing.map(name)).toEqual([]);
  });

  it('gives every error answer the one ErrorBody shape', () => {
    const errorBody = (route: Route) => operation(route)?.responses['4XX']?.content?.['application/json']?.schema?.$ref;
    // The Infobip-compatible routes answer in Infobip's shape instead.
    const expected = (route: Route) =>
      route.path.startsWith('/email/') ? '#/components/schemas/InfobipErrorBodyDto' : '#/components/schemas/ErrorBodyDto';
    const missing = routes.filter((route) => !NO_ERROR_ANSWERS.includes(name(route)) && errorBody(route) !== expected(route));
    expect(missing.map(name)).toEqual([]);
    expect(Object.keys(component('ErrorBodyDto').properties)).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message', 'errors', 'field']),
    );
  });

  it('defines every schema it refers to', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect([...new Set(refs)].filter((ref) => !component(ref))).toEqual([]);
  });

  it('documents each "one of" body with its variants', () => {
    const body = (path: string, method: string) => doc.paths[path][method].requestBody!.content!['application/json'].schema!;
    expect(body('/v1/integrations/{id}/auth', 'put').discriminator).toMatchObject({
      propertyName: 'type',
      mapping: { none: expect.any(String), basic: expect.any(String), oauth2: expect.any(String) },
    });
    expect(body('/v1/send-gate/endpoint', 'put').discriminator).toMatchObject({
      propertyName: 'transport',
      mapping: { http: expect.any(String), sqs: expect.any(String) },
    });
    expect(component('UpdateIntegrationDto').properties.auth.oneOf).toHaveLength(3);
    expect(doc.paths['/gate/v1/data/{token}'].post.requestBody!.content).toHaveProperty(['application/x-ndjson']);
    expect(Object.keys(doc.paths['/email/3/send'].post.requestBody!.content!)).toEqual(['multipart/form-data']);
  });
});
