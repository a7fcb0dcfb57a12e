import { randomUUID } from 'node:crypto';
import type { JourneyDefinition } from '@sendgate/domain';
import { describeOnEachDatabase } from '../../../../test/test-databases';
import { EspIntegrationEntity, IntegrationStatus } from '../entities';
import { JourneysRepository } from './journeys.repository';

const INTEGRATION = randomUUID();
const definition = (subject: string): JourneyDefinition => ({
  entryStepId: 'hello',
  steps: [{ id: 'hello', type: 'message', integrationId: INTEGRATION, content: { subject } }],
});

describeOnEachDatabase((db) => {
  let sut: JourneysRepository;
  beforeAll(() => {
    sut = new JourneysRepository(db.sql);
  });

  async function journey(accountId: string) {
    const id = randomUUID();
    await sut.create({ id, accountId, projectId: randomUUID(), name: 'Welcome', definition: definition('v1') });
    return id;
  }

  describe('when a journey is edited', () => {
    it('makes the edit the current version and keeps the first readable', async () => {
      const account = await db.account();
      const id = await journey(account);
      expect(await sut.addVersion(account, id, { name: 'Welcome 2', definition: definition('v2') })).toBe(2);

      const current = await sut.find(account, id);
      expect(current).toMatchObject({ id, accountId: account, name: 'Welcome 2', version: 2, definition: definition('v2') });
      expect((await sut.find(account, id, 1))?.definition.steps[0]).toMatchObject({ content: { subject: 'v1' } });
      expect(await sut.find(account, id, 3)).toBeUndefined();
    });
  });

  describe('when edits of one journey arrive concurrently', () => {
    it('gives each its own number, losing none', async () => {
      const account = await db.account();
      const id = await journey(account);
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) => sut.addVersion(account, id, { name: `edit ${i}`, definition: definition(`edit ${i}`) })),
      );
      expect([...made].sort((a, b) => Number(a) - Number(b))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      const subjects = new Set<string>();
      for (let version = 2; version <= 9; version++) {
        const step = (await sut.find(account, id, version))?.definition.steps[0] as { content: { subject: string } };
        subjects.add(step.content.subject);
      }
      expect(subjects.size).toBe(8);
      expect((await sut.find(account, id))?.version).toBe(9);
    });
  });

  describe('when the versions are listed', () => {
    it('pages them newest first from a version on', async () => {
      const account = await db.account();
      const id = await journey(account);
      for (let i = 2; i <= 5; i++) await sut.addVersion(account, id, { name: 'Welcome', definition: definition(`v${i}`) });

      const first = await sut.listVersions(account, id, { limit: 2 });
      expect(first?.map((v) => v.version)).toEqual([5, 4]);
      const next = await sut.listVersions(account, id, { before: 4, limit: 10 });
      expect(next?.map((v) => v.version)).toEqual([3, 2, 1]);
      expect(next?.[0].createdAt).toBeInstanceOf(Date);
    });
  });

  describe('when another account asks for a journey, or it was deleted', () => {
    it('finds nothing, edits nothing and deletes nothing', async () => {
      const [mine, theirs] = [await db.account(), await db.account()];
      const id = await journey(mine);
      expect(await sut.find(theirs, id)).toBeUndefined();
      expect(await sut.listVersions(theirs, id, { limit: 10 })).toBeUndefined();
      expect(await sut.addVersion(theirs, id, { name: 'x', definition: definition('x') })).toBeUndefined();
      expect(await sut.softDelete(theirs, id)).toBe(false);
      expect((await sut.find(mine, id))?.version).toBe(1);

      expect(await sut.softDelete(mine, id)).toBe(true);
      expect(await sut.softDelete(mine, id)).toBe(false);
      expect(await sut.find(mine, id)).toBeUndefined();
      expect(await sut.addVersion(mine, id, { name: 'x', definition: definition('x') })).toBeUndefined();
    });
  });

  describe("when a journey's integrations are checked", () => {
    it("answers only the account's own", async () => {
      const [mine, theirs] = [await db.account(), await db.account()];
      const integration = async (accountId: string) => {
        const id = randomUUID();
        await db.dataSource.getRepository(EspIntegrationEntity).insert({
          id,
          accountId,
          name: 'esp',
          channel: 'email',
          url: 'http://127.0.0.1/esp',
          payloadTemplate: '{}',
          status: IntegrationStatus.ACTIVE,
          identifierType: 'email',
          authType: 'none',
        });
        return id;
      };
      const [own, foreign, unknown] = [await integration(mine), await integration(theirs), randomUUID()];
      expect(await sut.ownedIntegrations(mine, [own, foreign, unknown])).toEqual(new Set([own]));
      expect(await sut.ownedIntegrations(mine, [])).toEqual(new Set());
    });
  });
});
