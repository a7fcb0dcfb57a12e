/**
 * ESP payload templates: JSON with `${variable}` placeholders inside its strings. The template is
 * parsed once; a string that is exactly one placeholder takes the variable's JSON value, any
 * other string interpolates text. The result is produced by JSON.stringify, so every value is
 * escaped by construction and a template can never render invalid JSON.
 */
import { isInheritedName, jsonNestingDepth } from './json-limits';
import { FieldError } from './segment-filter';

export const PAYLOAD_VARIABLES = [
  'userIdentifier',
  'email',
  'phone',
  'subject',
  'html',
  'text',
  'sendoutId',
  'messageId',
  'idempotencyKey',
  'contactId',
  'externalId',
  // a sendout of the email API: the request's envelope and files, and the client-visible ids
  'from',
  'replyTo',
  'cc',
  'bcc',
  'headers',
  'attachments',
  'bulkId',
  'emailMessageId',
  // RFC 2369 and RFC 8058 header values, for an integrator to map into the message's headers:
  // `<https://…/u/TOKEN>` (the message's one-click unsubscribe link) and `List-Unsubscribe=One-Click`
  'listUnsubscribe',
  'listUnsubscribePost',
] as const;
export type PayloadVariable = (typeof PAYLOAD_VARIABLES)[number];

export interface PayloadContext {
  vars: Partial<Record<PayloadVariable, unknown>>;
  contact: Record<string, unknown>;
  gate: Record<string, unknown>;
}

type Render = (ctx: PayloadContext) => unknown;

/** Deeper templates are refused up front: compiling and rendering walk the tree recursively. */
export const MAX_TEMPLATE_DEPTH = 32;

const PLACEHOLDER = /\$\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}/g;
const WHOLE_PLACEHOLDER = /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}$/;

export class PayloadTemplate {
  private constructor(
    private readonly render: Render,
    private readonly variables: ReadonlySet<string>,
  ) {}

  /** Whether the template reads this variable (`${attachments}`): what it never reads need not be loaded. */
  uses(variable: PayloadVariable): boolean {
    return this.variables.has(variable);
  }

  /** Parses and checks a template; throws PayloadTemplateError naming every problem. */
  static compile(source: string, field = 'payloadTemplate'): PayloadTemplate {
    if (jsonNestingDepth(source, MAX_TEMPLATE_DEPTH) > MAX_TEMPLATE_DEPTH) {
      throw new PayloadTemplateError([{ field, message: `nests objects and arrays more than ${MAX_TEMPLATE_DEPTH} levels deep` }]);
    }
    let tree: unknown;
    try {
      tree = JSON.parse(source);
    } catch (error) {
      throw new PayloadTemplateError([{ field, message: `is not valid JSON: ${(error as Error).message}` }]);
    }
    const errors: FieldError[] = [];
    const variables = new Set<string>();
    const render = compileNode(tree, field, errors, variables);
    if (errors.length > 0) throw new PayloadTemplateError(errors);
    return new PayloadTemplate(render, variables);
  }

  renderJson(ctx: PayloadContext): string {
    return JSON.stringify(this.render(ctx));
  }
}

export class PayloadTemplateError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field} ${e.message}`).join('; '));
  }
}

function compileNode(node: unknown, path: string, errors: FieldError[], variables: Set<string>): Render {
  if (typeof node === 'string') return compileString(node, path, errors, variables);
  if (Array.isArray(node)) {
    const items = node.map((item, i) => compileNode(item, `${path}[${i}]`, errors, variables));
    return (ctx) => items.map((item) => item(ctx));
  }
  if (node !== null && typeof node === 'object') {
    const entries = Object.entries(node).map(([key, value]) => [key, compileNode(value, `${path}.${key}`, errors, variables)] as const);
    return (ctx) => {
      const out: Record<string, unknown> = {};
      for (const [key, render] of entries) out[key] = render(ctx);
      return out;
    };
  }
  return () => node;
}

function compileString(source: string, path: string, errors: FieldError[], variables: Set<string>): Render {
  const whole = WHOLE_PLACEHOLDER.exec(source);
  if (whole) {
    const lookup = compileLookup(whole[1], path, errors, variables);
    return (ctx) => lookup(ctx) ?? null;
  }
  const parts: Array<string | Render> = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    if (match.index! > last) parts.push(source.slice(last, match.index));
    const lookup = compileLookup(match[1], path, errors, variables);
    parts.push((ctx) => {
      const value = lookup(ctx);
      if (value === undefined || value === null) return '';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
    last = match.index! + match[0].length;
  }
  if (parts.length === 0) return () => source;
  if (last < source.length) parts.push(source.slice(last));
  return (ctx) => parts.map((part) => (typeof part === 'string' ? part : part(ctx))).join('');
}

function compileLookup(name: string, path: string, errors: FieldError[], variables: Set<string>): Render {
  const [head, tail] = name.split('.');
  variables.add(head);
  if ((head === 'contact' || head === 'gate') && tail !== undefined && isInheritedName(tail)) {
    errors.push({ field: path, message: `uses \${${name}}: ${JSON.stringify(tail)} names a built-in property of every object, not data` });
    return () => undefined;
  }
  if (head === 'contact' || head === 'gate') {
    if (tail === undefined) return (ctx) => ctx[head];
    return (ctx) => ctx[head][tail];
  }
  if (tail === undefined && (PAYLOAD_VARIABLES as readonly string[]).includes(head)) {
    return (ctx) => ctx.vars[head as PayloadVariable];
  }
  errors.push({
    field: path,
    message: `uses unknown variable \${${name}}; known: ${PAYLOAD_VARIABLES.join(', ')}, contact.<attribute>, gate.<field>`,
  });
  return () => undefined;
}
