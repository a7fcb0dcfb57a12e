import { htmlEngine, textEngine } from './liquid-sandbox';
import { PlainSubstitution } from './plain-substitution';

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

const NAMES = ['contact', 'gate', 'sendout', 'firstName', 'tags', 'email', 'length', 'constructor', '__proto__', 'toString', 'name', 'id'];
const TEXTS = ['', 'Hi ', ' & ', '<p>', '</p>', '"quoted"', "it's", '{', '}', '} ', '{ x }', '%', '\n', 'é ✓ 😀'];
const VALUES: unknown[] = ['Ada', '<b>&"\'</b>', '', 0, 1.5, -3, true, false, null, undefined, ['a', 'b'], { a: 1 }, 'x'.repeat(300)];
const SPACES = ['', ' ', '  ', '\n'];

/** A scope of nested objects whose leaves are VALUES, on the names templates read. */
function scopeFor(rng: ReturnType<typeof random>): Record<string, unknown> {
  const level = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const name of NAMES) {
      if (name === '__proto__' || rng.next() < 0.3) continue;
      out[name] = depth < 2 && rng.next() < 0.5 ? level(depth + 1) : rng.pick(VALUES);
    }
    return out;
  };
  return level(0);
}

function templateFor(rng: ReturnType<typeof random>): string {
  let source = rng.pick(TEXTS);
  const outputs = Math.floor(rng.next() * 4);
  for (let i = 0; i < outputs; i++) {
    const path = Array.from({ length: 1 + Math.floor(rng.next() * 3) }, () => rng.pick(NAMES)).join('.');
    source += `{{${rng.pick(SPACES)}${path}${rng.pick(SPACES)}}}${rng.pick(TEXTS)}`;
  }
  return source;
}

describe('PlainSubstitution', () => {
  it.each([
    ['Hello {{ contact.firstName }}!', true],
    ['{{contact.firstName}}{{ gate.code }}', true],
    ['no substitution at all', true],
    ['{{ contact.firstName | upcase }}', false],
    ['{% if contact.vip %}VIP{% endif %}', false],
    ['{{- contact.firstName -}}', false],
    ['{{ contact["firstName"] }}', false],
    ['{{ contact.tags.first }}', false],
    ['{{ contact.tags.size }}', false],
    ['{{ true }}', false],
    ['{{ nil }}', false],
    ['{{{ contact.firstName }}}', false],
    ['{{ contact.first-name }}', false],
  ])('%j is rendered without Liquid: %s', (source, plain) => {
    expect(PlainSubstitution.compile(source, true) !== undefined).toBe(plain);
  });

  it('answers undefined for a value only Liquid writes, and for output past its size', () => {
    const sut = PlainSubstitution.compile('{{ contact.tags }}', false)!;
    expect(sut.render({ contact: { tags: ['a', 'b'] } })).toBeUndefined();
    expect(sut.render({ contact: { tags: { a: 1 } } })).toBeUndefined();
    expect(sut.render({ contact: { tags: 'x'.repeat(200_000) } })).toBeUndefined();
  });

  it.each([
    ['html', htmlEngine, true],
    ['text', textEngine, false],
  ] as const)('renders what Liquid renders (%s engine, 3,000 random templates and scopes)', (_name, engine, escapeHtml) => {
    let compared = 0;
    for (let seed = 1; seed <= 3_000; seed++) {
      const rng = random(seed);
      const source = templateFor(rng);
      const sut = PlainSubstitution.compile(source, escapeHtml);
      if (!sut) continue;
      for (let i = 0; i < 3; i++) {
        const scope = scopeFor(rng);
        const fast = sut.render(scope);
        if (fast === undefined) continue;
        const liquid = engine.renderSync(engine.parse(source), scope);
        if (fast !== liquid)
          throw new Error(`seed ${seed}: ${JSON.stringify(source)} gave ${JSON.stringify(fast)}, Liquid ${JSON.stringify(liquid)}`);
        compared += 1;
      }
    }
    // Most generated templates are plain: the comparison covered thousands of renders.
    expect(compared).toBeGreaterThan(3_000);
  });
});
