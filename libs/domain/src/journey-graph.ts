/**
 * A journey's definition: steps joined by their `next` paths into a graph that starts at the entry
 * step. The definition is checked here as a whole, before anything is stored: each step's shape,
 * that every path leads to a step that exists, that no path comes back to a step already passed (a
 * cycle), and that every step can be reached from the entry. Errors name the step and the field.
 */
import { ContentTemplate, ContentTemplateError, MessageContent } from './content-template';
import { GateAction, MAX_GATE_TIMEOUT_MS, parseDurationMs } from './gate';
import { FieldError, SegmentFilter, validateSegmentFilter } from './segment-filter';

export const MAX_JOURNEY_STEPS = 100;
export const MAX_STEP_ID_CHARS = 64;
/** The longest wait between two steps. */
export const MAX_JOURNEY_WAIT_MS = 90 * 86_400_000;
const MAX_GATE_ACTIONS = 100;
const CONTENT_CHARS = { subject: 998, html: 1_000_000, text: 1_000_000 } as const;
const STEP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface JourneyGate {
  enabled: boolean;
  timeout?: number | string;
  split?: boolean;
  actions?: GateAction[];
}

export interface MessageStep {
  id: string;
  type: 'message';
  integrationId: string;
  content: MessageContent;
  gate?: JourneyGate;
  next?: { accepted?: string; rejected?: string; timedOut?: string; sent?: string };
}

export interface WaitStep {
  id: string;
  type: 'wait';
  duration: number | string;
  next: string;
}

export interface BranchStep {
  id: string;
  type: 'branch';
  filter: SegmentFilter;
  next: { match: string; otherwise: string };
}

export interface EndStep {
  id: string;
  type: 'end';
}

export type JourneyStep = MessageStep | WaitStep | BranchStep | EndStep;

export interface JourneyDefinition {
  entryStepId: string;
  steps: JourneyStep[];
}

const STEP_KEYS: Record<JourneyStep['type'], readonly string[]> = {
  message: ['id', 'type', 'integrationId', 'content', 'gate', 'next'],
  wait: ['id', 'type', 'duration', 'next'],
  branch: ['id', 'type', 'filter', 'next'],
  end: ['id', 'type'],
};
const GATE_KEYS = ['enabled', 'timeout', 'split', 'actions'];
const GATED_PATHS = ['accepted', 'rejected', 'timedOut'];

/** A path out of a step: where it is written and where it leads. */
interface Edge {
  from: number;
  field: string;
  to: string;
}

/** Every problem of the definition (none: it is a valid journey). */
export function validateJourneyDefinition(input: { entryStepId?: unknown; steps?: unknown }): FieldError[] {
  const errors: FieldError[] = [];
  const { entryStepId, steps } = input;
  if (!Array.isArray(steps) || steps.length === 0) return [{ field: 'steps', message: 'must be a non-empty array of steps' }];
  if (steps.length > MAX_JOURNEY_STEPS) return [{ field: 'steps', message: `has ${steps.length} steps; at most ${MAX_JOURNEY_STEPS}` }];

  const index = new Map<string, number>();
  const edges: Edge[] = [];
  steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (!isObject(step)) return void errors.push({ field: at, message: 'must be an object' });
    const id = step.id;
    if (typeof id !== 'string' || !STEP_ID.test(id)) {
      errors.push({ field: `${at}.id`, message: `must be 1 to ${MAX_STEP_ID_CHARS} letters, digits, "-" or "_"` });
    } else if (index.has(id)) {
      errors.push({ field: `${at}.id`, message: `repeats the id of steps[${index.get(id)}]: ${JSON.stringify(id)}` });
    } else {
      index.set(id, i);
    }
    edges.push(...checkStep(step, i, errors));
  });

  if (typeof entryStepId !== 'string' || !STEP_ID.test(entryStepId)) {
    errors.push({ field: 'entryStepId', message: `must be 1 to ${MAX_STEP_ID_CHARS} letters, digits, "-" or "_"` });
  } else if (!index.has(entryStepId)) {
    errors.push({ field: 'entryStepId', message: `names "${entryStepId}", which is not one of the steps` });
  }

  const name = (i: number) => String((steps[i] as { id?: unknown }).id);
  for (const edge of edges) {
    if (!index.has(edge.to)) {
      errors.push({ field: edge.field, message: `step "${name(edge.from)}" points to "${edge.to}", which does not exist` });
    }
  }
  // The graph's own checks need every step and path readable.
  if (errors.length > 0) return errors;

  const out = steps.map(() => [] as Edge[]);
  for (const edge of edges) out[edge.from].push(edge);
  errors.push(...findCycles(out, index, name));
  errors.push(...findUnreachable(out, index, index.get(entryStepId as string) as number, name));
  return errors;
}

/** The step's own fields; answers its paths out. */
function checkStep(step: Record<string, unknown>, i: number, errors: FieldError[]): Edge[] {
  const at = `steps[${i}]`;
  const type = step.type;
  if (typeof type !== 'string' || !Object.hasOwn(STEP_KEYS, type)) {
    errors.push({ field: `${at}.type`, message: 'must be one of message, wait, branch, end' });
    return [];
  }
  const allowed = STEP_KEYS[type as JourneyStep['type']];
  for (const key of Object.keys(step)) {
    if (!allowed.includes(key)) errors.push({ field: `${at}.${key}`, message: `is not a field of a ${type} step` });
  }
  const edges: Edge[] = [];
  const path = (field: string, value: unknown, required: boolean): void => {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || !STEP_ID.test(value)) {
      errors.push({ field, message: `must be the id of a step (1 to ${MAX_STEP_ID_CHARS} letters, digits, "-" or "_")` });
    } else {
      edges.push({ from: i, field, to: value });
    }
  };

  if (type === 'message') {
    if (typeof step.integrationId !== 'string' || !UUID.test(step.integrationId)) {
      errors.push({ field: `${at}.integrationId`, message: 'must be a UUID' });
    }
    checkContent(step.content, `${at}.content`, errors);
    const gated = checkGate(step.gate, `${at}.gate`, errors);
    if (step.next === undefined) return edges; // the journey ends after this message
    if (!isObject(step.next)) {
      errors.push({ field: `${at}.next`, message: 'must be an object of paths' });
      return edges;
    }
    const paths = gated ? GATED_PATHS : ['sent'];
    for (const [key, value] of Object.entries(step.next)) {
      if (paths.includes(key)) path(`${at}.next.${key}`, value, false);
      else if (GATED_PATHS.includes(key) || key === 'sent') {
        errors.push({
          field: `${at}.next.${key}`,
          message: gated
            ? 'is no path of a step whose gate is enabled: its paths are accepted, rejected and timedOut'
            : 'is a path of the gate, which this step does not enable: its only path is sent',
        });
      } else errors.push({ field: `${at}.next.${key}`, message: 'is not a path: accepted, rejected, timedOut or sent' });
    }
  } else if (type === 'wait') {
    const ms = parseDurationMs(step.duration);
    if (ms === undefined || ms > MAX_JOURNEY_WAIT_MS) {
      errors.push({ field: `${at}.duration`, message: 'must be a duration: seconds, or "90s", "15m", "1h", "2d" (at most 90 days)' });
    }
    path(`${at}.next`, step.next, true);
  } else if (type === 'branch') {
    errors.push(...validateSegmentFilter(step.filter, `${at}.filter`));
    if (!isObject(step.next)) {
      errors.push({ field: `${at}.next`, message: 'must be an object {match, otherwise}' });
      return edges;
    }
    for (const key of Object.keys(step.next)) {
      if (key !== 'match' && key !== 'otherwise') errors.push({ field: `${at}.next.${key}`, message: 'is not a path: match or otherwise' });
    }
    path(`${at}.next.match`, step.next.match, true);
    path(`${at}.next.otherwise`, step.next.otherwise, true);
  }
  return edges;
}

/** A message's content: its fields' lengths, and that it compiles as Liquid. */
export function checkContent(content: unknown, at: string, errors: FieldError[]): void {
  if (!isObject(content)) return void errors.push({ field: at, message: 'must be an object {subject?, html?, text?}' });
  let fine = true;
  for (const [key, value] of Object.entries(content)) {
    const max = Object.hasOwn(CONTENT_CHARS, key) ? CONTENT_CHARS[key as keyof typeof CONTENT_CHARS] : undefined;
    if (max === undefined) {
      errors.push({ field: `${at}.${key}`, message: 'is not a field of content: subject, html or text' });
      fine = false;
    } else if (typeof value !== 'string' || value.length > max) {
      errors.push({ field: `${at}.${key}`, message: `must be a string of at most ${max} characters` });
      fine = false;
    }
  }
  if (!fine) return;
  if (content.subject === undefined && content.html === undefined && content.text === undefined) {
    return void errors.push({ field: at, message: 'must have a subject, html or text' });
  }
  try {
    ContentTemplate.compile(content as MessageContent, at);
  } catch (error) {
    if (!(error instanceof ContentTemplateError)) throw error;
    errors.push(...error.errors);
  }
}

/** Checks the gate; answers whether it is enabled. */
export function checkGate(gate: unknown, at: string, errors: FieldError[]): boolean {
  if (gate === undefined) return false;
  if (!isObject(gate)) {
    errors.push({ field: at, message: 'must be an object {enabled, timeout?, split?, actions?}' });
    return false;
  }
  for (const key of Object.keys(gate)) {
    if (!GATE_KEYS.includes(key)) errors.push({ field: `${at}.${key}`, message: 'is not a field of a gate' });
  }
  if (typeof gate.enabled !== 'boolean') errors.push({ field: `${at}.enabled`, message: 'must be a boolean' });
  if (gate.timeout !== undefined) {
    const ms = parseDurationMs(gate.timeout);
    if (ms === undefined || ms > MAX_GATE_TIMEOUT_MS) {
      errors.push({ field: `${at}.timeout`, message: 'must be a duration: seconds, or "90s", "15m", "1h", "2d" (at most 30 days)' });
    }
  }
  if (gate.split !== undefined && typeof gate.split !== 'boolean') errors.push({ field: `${at}.split`, message: 'must be a boolean' });
  if (gate.actions !== undefined) {
    const actions = gate.actions;
    if (!Array.isArray(actions) || actions.length > MAX_GATE_ACTIONS) {
      errors.push({ field: `${at}.actions`, message: `must be an array of at most ${MAX_GATE_ACTIONS} actions` });
    } else {
      actions.forEach((action, j) => {
        if (!isObject(action) || typeof action.id !== 'string' || action.id.length === 0 || action.id.length > 100) {
          errors.push({ field: `${at}.actions[${j}]`, message: 'must be an object with an id of 1 to 100 characters' });
        }
      });
    }
  }
  return gate.enabled === true;
}

/**
 * Every cycle, found by a depth-first walk (iterative: a long chain of steps does not grow the call
 * stack): a path that leads back to a step still on the walk closes one. Named once per closing path.
 */
function findCycles(out: Edge[][], index: Map<string, number>, name: (i: number) => string): FieldError[] {
  const errors: FieldError[] = [];
  const state = out.map(() => 0); // 0 unseen, 1 on the walk, 2 done
  for (let root = 0; root < out.length; root++) {
    if (state[root] !== 0) continue;
    const walk: Array<{ step: number; next: number }> = [{ step: root, next: 0 }];
    state[root] = 1;
    while (walk.length > 0) {
      const top = walk[walk.length - 1];
      if (top.next >= out[top.step].length) {
        state[top.step] = 2;
        walk.pop();
        continue;
      }
      const edge = out[top.step][top.next++];
      const to = index.get(edge.to) as number;
      if (state[to] === 1) {
        const onCycle = walk.slice(walk.findIndex((w) => w.step === to)).map((w) => `"${name(w.step)}"`);
        errors.push({
          field: edge.field,
          message: `step "${name(edge.from)}" points back to "${edge.to}": the steps ${onCycle.join(' → ')} → "${edge.to}" form a cycle`,
        });
      } else if (state[to] === 0) {
        state[to] = 1;
        walk.push({ step: to, next: 0 });
      }
    }
  }
  return errors;
}

function findUnreachable(out: Edge[][], index: Map<string, number>, entry: number, name: (i: number) => string): FieldError[] {
  const reached = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    for (const edge of out[queue.shift() as number]) {
      const to = index.get(edge.to) as number;
      if (!reached.has(to)) {
        reached.add(to);
        queue.push(to);
      }
    }
  }
  return out.flatMap((_, i) =>
    reached.has(i) ? [] : [{ field: `steps[${i}]`, message: `step "${name(i)}" cannot be reached from the entry step "${name(entry)}"` }],
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
