import { GENERAL_STATUS_STATES, GENERAL_STATUSES, bulkStatusOf, infobipReport, infobipStatusOf } from './infobip';
import { MESSAGE_STATES, MessageState, SendoutStage } from './states';

describe('the Infobip vocabulary', () => {
  it('reads every message state in exactly one generalStatus, the one its status names', () => {
    for (const state of MESSAGE_STATES) {
      const groups = GENERAL_STATUSES.filter((g) => GENERAL_STATUS_STATES[g].includes(state));
      expect(groups).toEqual([infobipStatusOf(state).status.groupName]);
    }
  });

  it('reports a bounce as undeliverable with a permanent hard bounce, the reason as its description', () => {
    const { status, error } = infobipStatusOf(MessageState.BOUNCED, 'mailbox does not exist');
    expect(status).toMatchObject({ groupId: 2, groupName: 'UNDELIVERABLE', id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED' });
    expect(error).toMatchObject({ groupId: 2, id: 6012, name: 'EC_HARD_BOUNCE', permanent: true, description: 'mailbox does not exist' });
  });

  it('reports a delivery with no error, and a request just accepted as PENDING_ACCEPTED without doneAt', () => {
    const base = {
      bulkId: 'b',
      messageId: 'm',
      to: 'a@example.com',
      reason: null,
      acceptedAt: new Date('2026-11-24T10:00:00Z'),
      sentAt: null,
      updatedAt: new Date('2026-11-24T10:00:05Z'),
      callbackData: 'ctx',
    };
    expect(infobipReport({ ...base, state: null })).toEqual({
      bulkId: 'b',
      messageId: 'm',
      to: 'a@example.com',
      sentAt: '2026-11-24T10:00:00.000+0000',
      messageCount: 1,
      price: { pricePerMessage: 0, currency: 'EUR' },
      status: {
        groupId: 1,
        groupName: 'PENDING',
        id: 26,
        name: 'PENDING_ACCEPTED',
        description: 'Message accepted, pending for delivery.',
      },
      error: { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false },
      callbackData: 'ctx',
    });
    const delivered = infobipReport({ ...base, state: MessageState.DELIVERED, sentAt: new Date('2026-11-24T10:00:01Z') });
    expect(delivered).toMatchObject({ sentAt: '2026-11-24T10:00:01.000+0000', doneAt: '2026-11-24T10:00:05.000+0000' });
    expect(delivered.status.name).toBe('DELIVERED_TO_HANDSET');
  });

  it.each([
    [MessageState.REJECTED, 'REJECTED', 'EC_REJECTED_AT_GATE', 'Rejected at the send gate'],
    [MessageState.TIMED_OUT, 'EXPIRED', 'EC_GATE_TIMED_OUT', 'No answer from the send gate before its deadline'],
    [MessageState.CANCELED, 'REJECTED', 'EC_CANCELED', 'Canceled'],
    [MessageState.EXCLUDED, 'REJECTED', 'EC_NO_ADDRESS', 'The recipient has no address for this channel'],
  ])('reports %s as final (doneAt), in %s with %s, saying why even without a reason', (state, group, error, description) => {
    const report = infobipReport({
      bulkId: 'b',
      messageId: 'm',
      to: 'a@example.com',
      state,
      reason: null,
      acceptedAt: new Date('2026-11-24T10:00:00Z'),
      sentAt: null,
      updatedAt: new Date('2026-11-24T10:05:00Z'),
      callbackData: null,
    });
    expect(report).toMatchObject({
      doneAt: '2026-11-24T10:05:00.000+0000',
      status: { groupName: group },
      error: { groupName: 'DROPPED', name: error, description, permanent: true },
    });
    expect(infobipStatusOf(state, 'the integrator said no').error.description).toBe('the integrator said no');
  });

  it('reads a stage as a bulk status, PAUSED only before sending', () => {
    expect(bulkStatusOf(SendoutStage.SCHEDULED, false)).toBe('PENDING');
    expect(bulkStatusOf(SendoutStage.SCHEDULED, true)).toBe('PAUSED');
    expect(bulkStatusOf(SendoutStage.SENDING, true)).toBe('PROCESSING');
    expect(bulkStatusOf(SendoutStage.COMPLETED, false)).toBe('FINISHED');
    expect(bulkStatusOf(SendoutStage.CANCELED, false)).toBe('CANCELED');
  });
});
