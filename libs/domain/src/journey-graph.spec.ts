import { JourneyStep, MAX_JOURNEY_STEPS, validateJourneyDefinition } from './journey-graph';

const INTEGRATION = '6f1c1d1e-8a8b-4c4d-9e9f-0a0b0c0d0e0f';
const message = (id: string, next?: Record<string, string>, gate?: Record<string, unknown>): JourneyStep =>
  ({ id, type: 'message', integrationId: INTEGRATION, content: { subject: `Hi {{ contact.firstName }}` }, gate, next }) as JourneyStep;

/** The journey: a gated message, the rejected path gets a second message, the accepted path waits then gets a third. */
const valid = (): { entryStepId: string; steps: unknown[] } => ({
  entryStepId: 'welcome',
  steps: [
    message('welcome', { accepted: 'pause', rejected: 'sorry' }, { enabled: true, timeout: '15m', split: true }),
    message('sorry'),
    { id: 'pause', type: 'wait', duration: '5s', next: 'vip' },
    {
      id: 'vip',
      type: 'branch',
      filter: { all: [{ attribute: 'tier', op: 'eq', value: 'gold' }] },
      next: { match: 'offer', otherwise: 'done' },
    },
    message('offer', { sent: 'done' }),
    { id: 'done', type: 'end' },
  ],
});

describe('validateJourneyDefinition', () => {
  it('accepts a journey whose paths all lead to steps, without cycles, every step reachable', () => {
    expect(validateJourneyDefinition(valid())).toEqual([]);
  });

  it('names the step and the field of a path to a step that does not exist', () => {
    const journey = valid();
    journey.steps[0] = message('welcome', { accepted: 'missing-step', rejected: 'sorry' }, { enabled: true });
    journey.steps.splice(2, 4, { id: 'pause', type: 'end' });
    expect(validateJourneyDefinition(journey)).toEqual([
      { field: 'steps[0].next.accepted', message: 'step "welcome" points to "missing-step", which does not exist' },
    ]);
  });

  it('names the steps on a cycle and the path that closes it', () => {
    const journey = valid();
    journey.steps[4] = message('offer', { sent: 'pause' });
    const errors = validateJourneyDefinition(journey);
    expect(errors).toEqual([
      {
        field: 'steps[4].next.sent',
        message: 'step "offer" points back to "pause": the steps "pause" → "vip" → "offer" → "pause" form a cycle',
      },
    ]);
  });

  it('finds a step pointing at itself', () => {
    const errors = validateJourneyDefinition({ entryStepId: 'a', steps: [{ id: 'a', type: 'wait', duration: 60, next: 'a' }] });
    expect(errors).toEqual([{ field: 'steps[0].next', message: 'step "a" points back to "a": the steps "a" → "a" form a cycle' }]);
  });

  it('names every step the entry cannot reach', () => {
    const journey = valid();
    journey.steps.push(message('orphan', { sent: 'done' }), { id: 'orphan-2', type: 'end' });
    expect(validateJourneyDefinition(journey)).toEqual([
      { field: 'steps[6]', message: 'step "orphan" cannot be reached from the entry step "welcome"' },
      { field: 'steps[7]', message: 'step "orphan-2" cannot be reached from the entry step "welcome"' },
    ]);
  });

  it('requires the entry step to be one of the steps', () => {
    expect(validateJourneyDefinition({ ...valid(), entryStepId: 'nope' })).toEqual([
      { field: 'entryStepId', message: 'names "nope", which is not one of the steps' },
    ]);
  });

  it('refuses repeated, too long and oddly spelled ids', () => {
    const errors = validateJourneyDefinition({
      entryStepId: 'a',
      steps: [
        { id: 'a', type: 'end' },
        { id: 'a', type: 'end' },
        { id: 'x'.repeat(65), type: 'end' },
        { id: 'a b', type: 'end' },
      ],
    });
    expect(errors.map((e) => e.field)).toEqual(['steps[1].id', 'steps[2].id', 'steps[3].id']);
    expect(errors[0].message).toBe('repeats the id of steps[0]: "a"');
  });

  it(`refuses more than ${MAX_JOURNEY_STEPS} steps and no steps`, () => {
    const steps = Array.from({ length: MAX_JOURNEY_STEPS + 1 }, (_, i) => ({ id: `s${i}`, type: 'end' }));
    expect(validateJourneyDefinition({ entryStepId: 's0', steps })).toEqual([{ field: 'steps', message: 'has 101 steps; at most 100' }]);
    expect(validateJourneyDefinition({ entryStepId: 's0', steps: [] })[0].field).toBe('steps');
  });

  it('lets a message step without paths end the journey', () => {
    expect(validateJourneyDefinition({ entryStepId: 'only', steps: [message('only')] })).toEqual([]);
  });

  it("allows the gate's paths only when the gate is enabled, and sent only when it is not", () => {
    const errors = validateJourneyDefinition({
      entryStepId: 'a',
      steps: [
        message('a', { accepted: 'b' }, { enabled: false }),
        message('b', { sent: 'c' }, { enabled: true }),
        { id: 'c', type: 'end' },
      ],
    });
    expect(errors).toEqual([
      { field: 'steps[0].next.accepted', message: 'is a path of the gate, which this step does not enable: its only path is sent' },
      {
        field: 'steps[1].next.sent',
        message: 'is no path of a step whose gate is enabled: its paths are accepted, rejected and timedOut',
      },
    ]);
  });

  it('reads durations as the sendouts do, the gate timeout at most 30 days', () => {
    const errors = validateJourneyDefinition({
      entryStepId: 'a',
      steps: [
        message('a', { timedOut: 'w' }, { enabled: true, timeout: '31d' }),
        { id: 'w', type: 'wait', duration: 'soon', next: 'e' },
        { id: 'e', type: 'end' },
      ],
    });
    expect(errors.map((e) => e.field)).toEqual(['steps[0].gate.timeout', 'steps[1].duration']);
  });

  it("names the content field whose template does not compile, and the branch filter's field", () => {
    const errors = validateJourneyDefinition({
      entryStepId: 'a',
      steps: [
        { id: 'a', type: 'message', integrationId: INTEGRATION, content: { subject: '{% if %}' }, next: { sent: 'b' } },
        { id: 'b', type: 'branch', filter: { all: [{ attribute: 'tier', op: 'like' }] }, next: { match: 'c', otherwise: 'c' } },
        { id: 'c', type: 'end' },
      ],
    });
    expect(errors.map((e) => e.field)).toEqual(['steps[0].content.subject', 'steps[1].filter.all[0].op']);
  });

  it('refuses unknown fields, unknown types and an integrationId that is no UUID', () => {
    const errors = validateJourneyDefinition({
      entryStepId: 'a',
      steps: [
        { id: 'a', type: 'message', integrationId: 'x', content: { subject: 'hi', body: 'x' }, colour: 'red' },
        { id: 'b', type: 'toString' },
      ],
    });
    expect(errors.map((e) => e.field)).toEqual(['steps[0].colour', 'steps[0].integrationId', 'steps[0].content.body', 'steps[1].type']);
  });
});
