/**
 * Message content (subject, html, text) is Liquid: `{{ contact.firstName }}`, `{{ gate.promoCode }}`.
 * Templates are parsed once per sendout page and rendered per message.
 */
import { Liquid, Template } from 'liquidjs';
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
}

const engine = new Liquid({ strictFilters: true, ownPropertyOnly: true, cache: false });
const FIELDS = ['subject', 'html', 'text'] as const;

export class ContentTemplate {
  private constructor(private readonly parts: Record<(typeof FIELDS)[number], Template[] | undefined>) {}

  static compile(content: MessageContent, path = 'content'): ContentTemplate {
    const errors: FieldError[] = [];
    const parts = {} as Record<(typeof FIELDS)[number], Template[] | undefined>;
    for (const field of FIELDS) {
      const source = content[field];
      if (source === undefined) continue;
      try {
        parts[field] = engine.parse(source);
      } catch (error) {
        errors.push({ field: `${path}.${field}`, message: `is not a valid Liquid template: ${(error as Error).message.split('\n')[0]}` });
      }
    }
    if (errors.length > 0) throw new ContentTemplateError(errors);
    return new ContentTemplate(parts);
  }

  render(ctx: RenderContext): MessageContent {
    const out: MessageContent = {};
    for (const field of FIELDS) {
      const template = this.parts[field];
      if (template) out[field] = engine.renderSync(template, ctx) as string;
    }
    return out;
  }
}

export class ContentTemplateError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field} ${e.message}`).join('; '));
  }
}
