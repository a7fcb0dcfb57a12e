import { SendoutActivityDeps } from './deps';

/**
 * Stores the schedule the workflow now holds (called by its `schedule` update before answering),
 * so that the API's reads of the sendout and of its bulk agree with the workflow.
 */
export function saveSendoutScheduleActivity({ emailBulks }: SendoutActivityDeps) {
  return async function saveSendoutSchedule(input: { sendoutId: string; sendAt?: number; paused: boolean }): Promise<void> {
    await emailBulks.saveSchedule(input.sendoutId, {
      sendAt: input.sendAt === undefined ? null : new Date(input.sendAt),
      paused: input.paused,
    });
  };
}
