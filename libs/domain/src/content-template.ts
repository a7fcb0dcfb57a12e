/**
 * Message content (subject, html, text) is Liquid: `{{ contact.firstName }}`, `{{ gate.promoCode }}`.
 * Templates are parsed once per sendout page and rendered per message, in the sandbox of
 * liquid-sandbox.ts: no file tags, bounded size, time and memory, and escaped output in `html`.
 */
import { Liquid, Template } from 'liquidjs';
import { CONTENT_LIMITS, FileTagRefused, htmlEngine, textEngine } from './liquid-sandbox';
import { PlainSubstitution } from './plain-substitution';
import { FieldError } from './segment-filter';

export interface MessageContent {
  subject?: string;
  html?: string;
  text?: string;
}

export interface RenderContext {
  contact: Record<string, unknown>;
  gate: Record<string, unknown>;
  sendout: { id: string; name: string };
  /** The message's one-click unsubscribe link, when the content mentions it (see ContentTemplate.mentions). */
  unsubscribe_url?: string;
  /** Top-level variables beside these three: an email API recipient's placeholders (`{{name}}`). */
  [variable: string]: unknown;
}

/** The per-message variable holding the unsubscribe link: `{{ unsubscribe_url }}`. */
export const UNSUBSCRIBE_URL = 'unsubscribe_url';

type Field = 'subject' | 'html' | 'text';
const ENGINES: Record<Field, Liquid> = { subject: textEngine, html: htmlEngine, text: textEngine };
const FIELDS = Object.keys(ENGINES) as Field[];

/** A field parsed by Liquid, and its plain-substitution form when it has one. */
interface FieldTemplate {
  liquid: Template[];
  plain?: PlainSubstitution;
}

export class ContentTemplate {
  private constructor(
    private readonly parts: Partial<Record<Field, FieldTemplate>>,
    private readonly path: string,
    private readonly sources: string[],
  ) {}

  /**
   * Whether any field's source mentions `name`, even in plain text: a value computed per message
   * only when it is mentioned (the unsubscribe link) is then never missing where Liquid reads it.
   */
  mentions(name: string): boolean {
    return this.sources.some((source) => source.includes(name));
  }

  static compile(content: MessageContent, path = 'content'): ContentTemplate {
    const errors: FieldError[] = [];
    const parts: Partial<Record<Field, FieldTemplate>> = {};
    for (const field of FIELDS) {
      const source = content[field];
      if (source === undefined) continue;
      try {
        // Liquid parses every field (it is the judge of what is valid); most render without it.
        parts[field] = { liquid: ENGINES[field].parse(source), plain: PlainSubstitution.compile(source, ENGINES[field] === htmlEngine) };
      } catch (error) {
        errors.push({ field: `${path}.${field}`, message: describeParseError(error as Error) });
      }
    }
    if (errors.length > 0) throw new ContentTemplateError(errors);
    return new ContentTemplate(
      parts,
      path,
      FIELDS.flatMap((field) => content[field] ?? []),
    );
  }

  /**
   * Throws a ContentRenderError naming the field and, for a limit, which one. A render stopped by
   * the time limit is tried once more with a fresh budget: the limit is wall-clock time, and a GC
   * pause or a worker starved of CPU can spend it on an ordinary template (seen at 1M messages on a
   * loaded machine), failing a message for good; a real loop bomb fails the second time too.
   */
  render(ctx: RenderContext): MessageContent {
    try {
      return this.renderOnce(ctx);
    } catch (error) {
      if (error instanceof ContentRenderError && error.timedOut) return this.renderOnce(ctx);
      throw error;
    }
  }

  private renderOnce(ctx: RenderContext): MessageContent {
    let deadline: number | undefined; // set by the first field Liquid renders
    const out: MessageContent = {};
    for (const field of FIELDS) {
      const template = this.parts[field];
      if (!template) continue;
      let rendered: string | undefined = template.plain?.render(ctx);
      if (rendered !== undefined) {
        out[field] = rendered;
        continue;
      }
      try {
        // One time budget for the whole message: what a field used is gone for the next.
        deadline ??= performance.now() + CONTENT_LIMITS.renderMs;
        rendered = ENGINES[field].renderSync(template.liquid, ctx, { renderLimit: Math.max(0, deadline - performance.now()) }) as string;
      } catch (error) {
        throw new ContentRenderError(`${this.path}.${field}`, describeRenderError(error as Error), isTimeLimit(error as Error));
      }
      if (rendered.length > CONTENT_LIMITS.outputChars) {
        throw new ContentRenderError(`${this.path}.${field}`, tooLong());
      }
      out[field] = rendered;
    }
    return out;
  }
}

function describeParseError(error: Error): string {
  const cause = originalError(error);
  const where = position(error);
  if (cause instanceof FileTagRefused) return `${cause.message}${where}`;
  if (cause.message === 'parse length limit exceeded') return `is longer than ${CONTENT_LIMITS.parseChars} characters`;
  return `is not a valid Liquid template: ${error.message.split('\n')[0]}`;
}

/** Liquid's limit errors carry no type of their own, only these messages (pinned by the specs). */
function isTimeLimit(error: Error): boolean {
  return originalError(error).message === 'template render limit exceeded';
}

function describeRenderError(error: Error): string {
  const cause = originalError(error);
  if (isTimeLimit(error)) return `hit the render time limit: took longer than ${CONTENT_LIMITS.renderMs} ms`;
  if (cause.message === 'memory alloc limit exceeded') return `hit the memory limit of ${CONTENT_LIMITS.memoryUnits} characters`;
  if (cause instanceof RangeError && /string length/.test(cause.message)) return tooLong();
  return error.message.split('\n')[0];
}

function tooLong(): string {
  return `hit the size limit: longer than ${CONTENT_LIMITS.outputChars} characters once rendered`;
}

/** Liquid wraps what a tag or filter threw (its `originalError`), adding where it happened. */
function originalError(error: Error): Error {
  const cause = (error as { originalError?: unknown }).originalError;
  return cause instanceof Error ? cause : error;
}

function position(error: Error): string {
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
  const at = token?.getPosition?.();
  return at ? ` (line ${at[0]}, column ${at[1]})` : '';
}

export class ContentTemplateError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field} ${e.message}`).join('; '));
  }
}

/** One message's content could not be rendered; the message fails, the sendout goes on. */
export class ContentRenderError extends Error {
  constructor(
    readonly field: string,
    reason: string,
    /** Stopped by the render time limit (tried once more before the message fails). */
    readonly timedOut = false,
  ) {
    super(`${field} ${reason}`);
  }
}
