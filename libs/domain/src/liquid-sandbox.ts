/**
 * The Liquid engines that message content runs in. Content comes from API callers and data from
 * contacts and integrators, so every template is treated as hostile: it cannot read a file, and its
 * parse and render are bounded in size, time and memory.
 */
import { CaptureTag, Context, FS, Liquid, Tag } from 'liquidjs';

export const CONTENT_LIMITS = {
  /** Characters of one field's source; the API refuses longer content before it gets here. */
  parseChars: 1_000_000,
  /**
   * Render time of one message, all fields together. A typical email renders in well under a
   * millisecond, so 100 ms is ample headroom on a loaded worker. Rendering is synchronous: this is
   * also the longest one message can hold the worker's event loop (heartbeats, other pages), and a
   * page of 1,000 messages that all hit it fails within 100 s.
   */
  renderMs: 100,
  /**
   * Liquid's allocation budget of one field's render, counted in characters and array items that
   * filters, ranges and escaping create: a doubling `append` or a `(1..2000000000)` range stops here
   * long before the heap is at risk.
   */
  memoryUnits: 10_000_000,
  /**
   * Characters of one rendered field. Liquid does not count literal text repeated by a loop; V8
   * builds such output as a cheap rope, so this check stops it before anything flattens it. ESPs
   * refuse messages above ~10 MB anyway.
   */
  outputChars: 10_000_000,
};

/** The tags that load another template from the file system. */
export const FILE_TAGS = ['include', 'render', 'layout'] as const;

/** Thrown (inside Liquid's ParseError) when a template uses one of FILE_TAGS. */
export class FileTagRefused extends Error {
  constructor(readonly tag: string) {
    super(`cannot use {% ${tag} %}: templates cannot include other files`);
  }
}

function refusingTag(name: string) {
  return class extends Tag {
    constructor(...args: ConstructorParameters<typeof Tag>) {
      super(...args);
      throw new FileTagRefused(name);
    }

    render(): never {
      throw new FileTagRefused(name);
    }
  };
}

/**
 * Liquid counts what filters allocate but not text a loop writes, which stays a cheap rope until
 * something reads it; `capture` turns such text into a value that `contains` or a filter would
 * flatten, so what it captures is counted too.
 */
class CountedCaptureTag extends CaptureTag {
  *render(ctx: Context): Generator<unknown, void, string> {
    yield* super.render(ctx);
    ctx.memoryLimit.use(String(ctx.bottom()[this.variable as keyof object] ?? '').length);
  }
}

/** A file system with no files: the second wall should a file tag ever reach Liquid's loader. */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file) => {
    throw new Error(`templates cannot include other files (${file})`);
  },
  readFileSync: (file) => {
    throw new Error(`templates cannot include other files (${file})`);
  },
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
  sep: '/',
  dirname: () => '',
};

function createEngine(escapeHtml: boolean): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    ownPropertyOnly: true,
    cache: false,
    fs: NO_FILES,
    root: [],
    relativeReference: false,
    parseLimit: CONTENT_LIMITS.parseChars,
    memoryLimit: CONTENT_LIMITS.memoryUnits,
    outputEscape: escapeHtml ? 'escape' : undefined,
  });
  // The registry serves `{% liquid %}` blocks too, so this covers `{% liquid include 'x' %}`.
  for (const tag of FILE_TAGS) engine.registerTag(tag, refusingTag(tag));
  engine.registerTag('capture', CountedCaptureTag);
  if (escapeHtml) {
    // A value a template already escapes is final, not escaped twice (`&amp;amp;`).
    for (const name of ['escape', 'escape_once']) engine.registerFilter(name, { handler: engine.filters[name] as never, raw: true });
  }
  return engine;
}

/** Subject and text: output as is. */
export const textEngine = createEngine(false);
/** HTML: every `{{ }}` is HTML-escaped unless its last filter is `raw` (or `escape`). */
export const htmlEngine = createEngine(true);
