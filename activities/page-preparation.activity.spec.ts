/**
 * The send pages' shared preparation (the sendout and integration read, the templates compiled):
 * started by the gate's close before any page asks (`warm`), it is read once and the first page
 * to come owns it, so that page posts at once and the others let it go first. SQLite in memory.
 */
import { sendPageFixture } from '../test/send-page-fixture';
import { sendoutActivityDeps } from '../test/sendout-activity-deps';
import { sharedPreparations } from './page-preparation';

const fixture = sendPageFixture();

/** Preparations over the fixture's database, counting the sendout reads. */
function counted() {
  const deps = sendoutActivityDeps(fixture.db, fixture.espClient, fixture.guard);
  const read = deps.sendouts.findById.bind(deps.sendouts);
  let reads = 0;
  deps.sendouts.findById = (id: string) => {
    reads += 1;
    return read(id);
  };
  return { preparations: sharedPreparations(deps), reads: () => reads };
}

describe('a preparation warmed before the pages come', () => {
  it('is read once; the first page owns it and the next one joins it', async () => {
    const { sendoutId } = await fixture.sendout(2);
    const { preparations, reads } = counted();

    preparations.warm(sendoutId);
    preparations.warm(sendoutId);
    const first = preparations.forPage(sendoutId);
    const second = preparations.forPage(sendoutId);

    expect(first.joined).toBe(false);
    expect(second.joined).toBe(true);
    expect(await second.preparation).toBe(await first.preparation);
    expect((await first.preparation).sendout.id).toBe(sendoutId);
    expect(reads()).toBe(1);
  });
});

describe('without a warm start', () => {
  it('the first page starts the preparation and owns it', async () => {
    const { sendoutId } = await fixture.sendout(1);
    const { preparations, reads } = counted();

    const first = preparations.forPage(sendoutId);
    const second = preparations.forPage(sendoutId);

    expect([first.joined, second.joined]).toEqual([false, true]);
    await first.preparation;
    expect(reads()).toBe(1);
  });
});
