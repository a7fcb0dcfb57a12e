import { MessageState, SendoutStage, isFinished, totalOf } from './states';

describe('sendout stages', () => {
  it.each([SendoutStage.COMPLETED, SendoutStage.CANCELED, SendoutStage.FAILED])('%s is finished', (stage) => {
    expect(isFinished(stage)).toBe(true);
  });

  it.each([SendoutStage.CREATED, SendoutStage.GATED, SendoutStage.SENDING])('%s is still running', (stage) => {
    expect(isFinished(stage)).toBe(false);
  });
});

describe('totalOf', () => {
  it('adds every state, absent ones as zero', () => {
    expect(totalOf({ [MessageState.SENT]: 3, [MessageState.FAILED]: 2 })).toBe(5);
    expect(totalOf({})).toBe(0);
  });
});
