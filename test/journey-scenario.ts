/** Reading journey runs over the API in tests: a step of a run's view, and waiting for a run to get somewhere. */
import { TestStack } from './harness';
import { expectStatus } from './scenario';
import { waitFor } from './wait';

/** One step of `GET /v1/journeys/:id/runs/:n`. */
export const stepOf = (run: any, stepId: string): any => run.steps.find((s: { id: string }) => s.id === stepId);

/** Polls the run until `until` holds for its view; answers that view. */
export async function waitForRun(
  stack: TestStack,
  journeyId: string,
  run: number,
  until: (view: any) => boolean,
  what: string,
  timeoutMs = 120_000,
): Promise<any> {
  let last: any;
  await waitFor(`journey run ${run} ${what}`, timeoutMs, async () => {
    last = await expectStatus(stack.request('GET', `/v1/journeys/${journeyId}/runs/${run}`), 200);
    return until(last);
  });
  return last;
}
