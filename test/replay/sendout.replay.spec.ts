/**
 * Replays every recorded sendout history (test/replay/histories/, `npm run record-histories`)
 * against the current workflow code, bundled as `npm run build` bundles it for the worker. A change
 * that would break a run still open in production fails here with a DeterminismViolationError:
 * put it behind `patched(…)` (docs/workflow-versioning.md). Needs no Temporal server nor database.
 */
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { readHistories } from './histories';

const recorded = readHistories();

describe('the sendout workflow', () => {
  let code: string;

  beforeAll(async () => {
    code = await bundleWorkflows();
  }, 120_000);

  it('has recorded histories to replay', () => {
    expect(recorded.map((r) => r.workflowId)).toEqual(expect.arrayContaining(['plain', 'gate-accepted', 'send-continued-as-new.run-2']));
  });

  describe.each(recorded)('when it replays $workflowId', ({ workflowId, history }) => {
    it('issues the same commands as the run that recorded it', async () => {
      await expect(Worker.runReplayHistory({ workflowBundle: { code }, replayName: workflowId }, history, workflowId)).resolves.toBeUndefined();
    });
  });
});
