import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/app';
import { TestStack, createAccount } from '../harness';
import { expectStatus } from '../scenario';
import { freePort } from '../wait';

const CREATE_ACCOUNT_CLI = join(resolve(__dirname, '../..'), 'dist/libs/database/src/cli/create-account.js');

describe('API keys', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const withKey = (key: string) => ({ authorization: `Bearer ${key}` });

  describe('when a key is created', () => {
    it('shows the whole key once, then only its prefix', async () => {
      const created = await expectStatus(stack.request('POST', '/v1/api-keys', { name: 'journey builder' }), 201);
      expect(created).toMatchObject({ name: 'journey builder', revokedAt: null });
      expect(created.key).toMatch(/^sg_[A-Za-z0-9_-]{43}$/);
      expect(created.prefix).toBe(created.key.slice(0, 10));

      const listed = await expectStatus(stack.request('GET', '/v1/api-keys'), 200);
      expect(listed.keys).toContainEqual({
        id: created.id,
        name: 'journey builder',
        prefix: created.prefix,
        createdAt: created.createdAt,
        revokedAt: null,
        emailDefaults: null, // none set yet (PUT /v1/api-keys/:id/email-defaults)
      });
      expect(JSON.stringify(listed)).not.toContain(created.key);
      expect(JSON.stringify(listed)).not.toMatch(/hash/i);
    });

    it('authenticates as the same account', async () => {
      const created = await expectStatus(stack.request('POST', '/v1/api-keys', { name: 'second' }), 201);
      const project = await expectStatus(
        stack.request('POST', '/v1/projects', { name: `made with ${created.prefix}` }, withKey(created.key)),
        201,
      );
      await expectStatus(stack.request('GET', `/v1/projects/${project.id}`), 200);
    });
  });

  describe('when a key is revoked', () => {
    it('refuses the very next request with it, on every API process', async () => {
      const created = await expectStatus(stack.request('POST', '/v1/api-keys', { name: 'to revoke' }), 201);
      const other = await startSecondApi(stack);
      try {
        // both processes have just accepted the key
        await expectStatus(stack.request('GET', '/v1/api-keys', undefined, withKey(created.key)), 200);
        expect((await fetch(`${other.url}/v1/api-keys`, { headers: withKey(created.key) })).status).toBe(200);

        expect((await stack.request('DELETE', `/v1/api-keys/${created.id}`)).status).toBe(204);

        const response = await stack.request('GET', '/v1/api-keys', undefined, withKey(created.key));
        expect(response.status).toBe(401);
        expect((await fetch(`${other.url}/v1/api-keys`, { headers: withKey(created.key) })).status).toBe(401);
      } finally {
        await other.app.close();
      }
      const listed = await expectStatus(stack.request('GET', '/v1/api-keys'), 200);
      expect(listed.keys.find((k: { id: string }) => k.id === created.id).revokedAt).toEqual(expect.any(String));
    });

    it('answers 204 again for a key already revoked', async () => {
      const created = await expectStatus(stack.request('POST', '/v1/api-keys', { name: 'twice' }), 201);
      expect((await stack.request('DELETE', `/v1/api-keys/${created.id}`)).status).toBe(204);
      expect((await stack.request('DELETE', `/v1/api-keys/${created.id}`)).status).toBe(204);
    });

    it("refuses to revoke the account's last active key", async () => {
      const lonely = await createAccount(stack.dataSource);
      const { keys } = await expectStatus(stack.request('GET', '/v1/api-keys', undefined, withKey(lonely.apiKey)), 200);
      expect(keys).toHaveLength(1);

      const response = await stack.request('DELETE', `/v1/api-keys/${keys[0].id}`, undefined, withKey(lonely.apiKey));

      expect(response.status).toBe(409);
      expect(response.body.message).toMatch(/last active API key.*create another key first/);
      await expectStatus(stack.request('GET', '/v1/api-keys', undefined, withKey(lonely.apiKey)), 200);
    });

    it('answers 404 for an unknown key id', async () => {
      expect((await stack.request('DELETE', '/v1/api-keys/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('with a bad body', () => {
    it.each([
      ['no name', {}, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a name of 101 characters', { name: 'x'.repeat(101) }, 'name'],
      ['an unknown field', { name: 'x', key: 'sg_mine' }, 'key'],
    ])('answers 400 naming the field for %s', async (_, body, field) => {
      const response = await stack.request('POST', '/v1/api-keys', body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('npm run create-account', () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [CREATE_ACCOUNT_CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: process.env.SENDGATE_TEST_MYSQL_URL! },
        timeout: 60_000,
      });

    it('creates an account and prints a key that works against the API', async () => {
      const { stdout } = await run(['--name', 'Acme Ltd']);

      const printed = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((line) => line.split('=') as [string, string]),
      );
      expect(printed.account_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(printed.api_key).toMatch(/^sg_/);
      const { keys } = await expectStatus(stack.request('GET', '/v1/api-keys', undefined, withKey(printed.api_key)), 200);
      expect(keys).toEqual([expect.objectContaining({ prefix: printed.api_key.slice(0, 10), revokedAt: null })]);
      const [account] = await stack.dataSource.query('SELECT name FROM accounts WHERE id = ?', [printed.account_id]);
      expect(account.name).toBe('Acme Ltd');
    });

    it.each([
      ['without --name', []],
      ['with an empty name', ['--name', ' ']],
      ['with an unknown option', ['--name', 'x', '--admin']],
    ])('explains its usage %s', async (_, args) => {
      const failure = await run(args).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toMatch(/usage: npm run create-account -- --name <account name/);
    });
  });
});

/** A second API process on the same database, as in a deployment with several API replicas. */
async function startSecondApi(stack: TestStack): Promise<{ app: NestFastifyApplication; url: string }> {
  const port = await freePort();
  const app = await createApiApp({ ...stack.config, log: { level: 'error', format: 'json' } });
  await app.listen(port, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}` };
}
