import { JOURNEY_PATHS, JOURNEY_PATH_STATES } from './journey-audience';
import { MessageState } from './states';

describe('journey paths', () => {
  it('put a contact on at most one of the gate paths', () => {
    const gatePaths = [JOURNEY_PATH_STATES.accepted, JOURNEY_PATH_STATES.rejected, JOURNEY_PATH_STATES.timedOut];
    const all = gatePaths.flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('count as sent only messages that passed the gate', () => {
    expect(JOURNEY_PATH_STATES.sent.every((state) => JOURNEY_PATH_STATES.accepted.includes(state))).toBe(true);
  });

  it('put no contact whose message never reached an outcome on any path', () => {
    const pending = [MessageState.GENERATED, MessageState.GATED, MessageState.CANCELED];
    for (const path of JOURNEY_PATHS) expect(JOURNEY_PATH_STATES[path].filter((s) => pending.includes(s))).toEqual([]);
  });

  it('put no contact excluded for want of an address on any path: no later step messages it', () => {
    for (const path of JOURNEY_PATHS) expect(JOURNEY_PATH_STATES[path]).not.toContain(MessageState.EXCLUDED);
  });
});
