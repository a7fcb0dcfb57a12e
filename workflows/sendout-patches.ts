/**
 * The patches in force in the sendout workflow: each marks a change to the commands it issues, so
 * that runs recorded before the change replay as they ran (docs/workflow-versioning.md).
 */
/** Patch: the gate wait re-reads the decision periodically and continues as new when long. */
export const GATE_REREADS = 'gate-rereads-decision';
/** Patch: a sendout with feedback on delivers the first attempts of its feedback events before completing. */
export const FEEDBACK_FANOUT = 'feedback-fanout';
/** Patch: the schedule step waits for a sendAt and a pause that the `schedule` update may change. */
export const BULK_SCHEDULE = 'bulk-schedule';
/** Patch: a cancel that stops the page loop waits for the pages still in flight before the sendout is cancelled. */
export const SETTLE_PAGES = 'settle-pages-on-cancel';
/**
 * Patch: the gate closes and the pages are planned in local activities (no round trip through the
 * task queue), and an accepted batch starts sending while `releaseAcceptedGate` releases it.
 */
export const QUICK_ACCEPT = 'quick-accept';
/** Patch: a gated batch whose every message is EXCLUDED (no address, suppressed) completes without opening its gate. */
export const SKIP_EXCLUDED_GATE = 'skip-excluded-gate';
/**
 * Patch: with feedback on, a follower (`deliverSendoutFeedback` in follow mode) delivers the feedback
 * events beside the send pages; it is cancelled when they are done, before the fan-out step.
 */
export const FEEDBACK_WHILE_SENDING = 'feedback-while-sending';
/**
 * Patch: an accepted gate with no schedule to wait for enters SENDING and plans the first pages in
 * the same local activity that closes it (`closeGate` with `startSending`), not in two more.
 */
export const ACCEPT_STARTS_SENDING = 'accept-starts-sending';
/**
 * Patch: a run whose input says `inline` (a small listed audience, such as an email API request)
 * sends, completes and fans out its feedback in local activities (generation stays an activity),
 * and has no feedback follower.
 */
export const INLINE_STEPS = 'inline-steps';
