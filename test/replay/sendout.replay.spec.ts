/**
 * Replays every recorded sendout history (test/replay/histories/, `npm run record-histories`)
 * against the current workflow code, bundled as `npm run build` bundles it for the worker. A change
 * that would break a run still open in production fails here with a DeterminismViolationError:
 * put it behind `patched(…)` (docs/workflow-versioning.md). Needs no Temporal server nor database.
 */
import { ReplayResult, Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { readHistories } from './histories';

const recorded = readHistories();

describe('the sendout, journey-run and campaign-execution workflows', () => {
  const results = new Map<string, ReplayResult>();

  beforeAll(async () => {
    const code = await bundleWorkflows();
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code }, replayName: 'sendout-replay' }, recorded)) {
      results.set(result.workflowId, result);
    }
  }, 120_000);

  it('has recorded histories to replay', () => {
    expect(recorded.map((r) => r.workflowId)).toEqual(
      expect.arrayContaining([
        'plain',
        'gate-accepted',
        'gate-accepted-quick',
        'gate-all-excluded',
        'feedback-while-sending',
        'send-continued-as-new.run-2',
        'journey-run',
        'journey-run-cancelled',
        'campaign-execution',
      ]),
    );
  });

  describe.each(recorded.map((r) => r.workflowId))('when it replays %s', (name) => {
    it('issues the same commands as the run that recorded it', () => {
      expect(results.has(name)).toBe(true);
      expect(results.get(name)?.error).toBeUndefined();
    });
  });
});
