import { ContentTemplate, ContentTemplateError, MessageContent, RenderContext } from './content-template';
import { CONTENT_LIMITS } from './liquid-sandbox';
import { PlainSubstitution } from './plain-substitution';

const ctx: RenderContext = {
  contact: { firstName: 'Ada', nickname: '<b>Ada</b>' },
  gate: { promo: '<script>alert(1)</script>', note: 'Tom & "Jerry"' },
  sendout: { id: 's', name: 'n' },
};

function compileErrors(content: MessageContent): ContentTemplateError['errors'] {
  try {
    ContentTemplate.compile(content);
  } catch (error) {
    if (error instanceof ContentTemplateError) return error.errors;
    throw error;
  }
  throw new Error('expected a ContentTemplateError');
}

function renderError(content: MessageContent): Error {
  const sut = ContentTemplate.compile(content);
  try {
    sut.render(ctx);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the render to fail');
}

describe('ContentTemplate', () => {
  it('renders contact attributes and gate data', () => {
    const sut = ContentTemplate.compile({ subject: 'Hi {{ contact.firstName }}', text: 'Code {{ gate.promoCode | default: "none" }}' });
    expect(sut.render({ contact: { firstName: 'Ada' }, gate: {}, sendout: { id: 's', name: 'n' } })).toEqual({
      subject: 'Hi Ada',
      text: 'Code none',
    });
  });

  describe('when the content links to the unsubscribe page', () => {
    const link = 'https://send.example.com/u/eyJtIjo0Mn0.c2ln-_x';
    const plain = '<a href="{{ unsubscribe_url }}">Unsubscribe</a>';
    const liquid = '{% if unsubscribe_url %}<a href="{{ unsubscribe_url | strip }}">Unsubscribe</a>{% endif %}';

    it.each([
      ['plain substitution', plain, true],
      ['Liquid', liquid, false],
    ])('renders {{ unsubscribe_url }} through %s', (_path, html, fast) => {
      expect(PlainSubstitution.compile(html, true) !== undefined).toBe(fast);
      const sut = ContentTemplate.compile({ subject: 'News', html, text: 'Leave: {{ unsubscribe_url }}' });

      expect(sut.mentions('unsubscribe_url')).toBe(true);
      expect(sut.render({ ...ctx, unsubscribe_url: link })).toEqual({
        subject: 'News',
        html: `<a href="${link}">Unsubscribe</a>`,
        text: `Leave: ${link}`,
      });
    });

    it('says when the content never mentions it', () => {
      expect(
        ContentTemplate.compile({ subject: 'Hi {{ contact.firstName }}', html: '<p>unsubscribe</p>' }).mentions('unsubscribe_url'),
      ).toBe(false);
    });
  });

  it('names the field of a broken template', () => {
    expect(compileErrors({ html: '{% if %}' })).toEqual([
      { field: 'content.html', message: expect.stringMatching(/^is not a valid Liquid template/) },
    ]);
  });

  describe('when a template loads another file', () => {
    it.each([
      ['include', { html: "{% include 'data/signing-key' %}" }, 'content.html'],
      ['render', { subject: "{% render 'data/signing-key' %}" }, 'content.subject'],
      ['layout', { text: "{% layout 'data/signing-key' %}" }, 'content.text'],
      ['include with a variable', { html: "{% assign f = 'data/signing-key' %}{% include f %}" }, 'content.html'],
      ['include inside {% liquid %}', { html: "{% liquid\n  assign x = 1\n  include 'data/signing-key'\n%}" }, 'content.html'],
    ])('refuses %s at compile, naming the field', (tag, content, field) => {
      expect(compileErrors(content)).toEqual([{ field, message: expect.stringContaining('templates cannot include other files') }]);
    });

    it('names every offending field at once', () => {
      const errors = compileErrors({ subject: "{% render 'a' %}", html: "{% include 'b' %}", text: 'fine' });
      expect(errors.map((e) => e.field)).toEqual(['content.subject', 'content.html']);
    });
  });

  describe('when a source is longer than the parse limit', () => {
    it('is refused at compile', () => {
      expect(compileErrors({ text: 'x'.repeat(CONTENT_LIMITS.parseChars + 1) })).toEqual([
        { field: 'content.text', message: expect.stringContaining('longer than') },
      ]);
    });
  });

  describe('when a template is a bomb', () => {
    it('stops a two-billion loop at a limit', () => {
      expect(renderError({ html: '{% for i in (1..2000000000) %}{% endfor %}' }).message).toMatch(
        /^content\.html hit the (memory|render time) limit/,
      );
    });

    it('renders again a message whose time budget a stall spent, and sends it', () => {
      const sut = ContentTemplate.compile({ text: '{% for i in (1..3) %}{{ contact.firstName }}{% endfor %}' });
      const now = performance.now.bind(performance);
      let stalled = false;
      // One stall longer than the budget during the first render, as a GC pause on a starved worker.
      const clock = jest.spyOn(performance, 'now').mockImplementation(() => {
        if (!stalled && clock.mock.calls.length > 3) {
          stalled = true;
          return now() + CONTENT_LIMITS.renderMs * 2;
        }
        return now();
      });
      try {
        expect(sut.render(ctx)).toEqual({ text: 'AdaAdaAda' });
        expect(stalled).toBe(true);
      } finally {
        clock.mockRestore();
      }
    });

    it('stops a billion loop iterations at the render time limit', () => {
      const error = renderError({
        text: '{% assign a = (1..1000) %}{% for i in a %}{% for j in a %}{% for k in a %}{% endfor %}{% endfor %}{% endfor %}',
      });
      expect(error.message).toBe(`content.text hit the render time limit: took longer than ${CONTENT_LIMITS.renderMs} ms`);
    });

    it('stops a doubling append at the memory limit', () => {
      const error = renderError({
        html: "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s }}",
      });
      expect(error.message).toBe(`content.html hit the memory limit of ${CONTENT_LIMITS.memoryUnits} characters`);
    });

    it('stops a doubling concat at a limit', () => {
      // Copying the array takes as long as the render limit allows: either limit may come first.
      const error = renderError({
        subject: "{% assign a = 'x,y' | split: ',' %}{% for i in (1..60) %}{% assign a = a | concat: a %}{% endfor %}{{ a | size }}",
      });
      expect(error.message).toMatch(/^content\.subject hit the (memory|render time) limit/);
    });

    it('stops a loop repeating literal text at the size limit', () => {
      const block = 'x'.repeat(100_000);
      const error = renderError({ html: `{% for i in (1..1000) %}${block}{% endfor %}` });
      expect(error.message).toMatch(/^content\.html hit the size limit/);
    });

    it('counts what a capture holds against the memory limit', () => {
      const block = 'x'.repeat(100_000);
      const error = renderError({
        html: `{% capture s %}{% for i in (1..1000) %}${block}{% endfor %}{% endcapture %}{% if s contains 'y' %}{% endif %}`,
      });
      expect(error.message).toMatch(/^content\.html hit the memory limit/);
    });
  });

  describe('when values carry markup', () => {
    const sut = ContentTemplate.compile({
      subject: '{{ gate.promo }}',
      html: '<p>{{ gate.promo }}</p><p>{{ contact.nickname }}</p><p>{{ gate.note }}</p>',
      text: '{{ gate.note }}',
    });

    it('escapes them in html', () => {
      expect(sut.render(ctx).html).toBe(
        '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>&lt;b&gt;Ada&lt;/b&gt;</p><p>Tom &amp; &#34;Jerry&#34;</p>',
      );
    });

    it('leaves subject and text as they are', () => {
      expect(sut.render(ctx)).toMatchObject({ subject: '<script>alert(1)</script>', text: 'Tom & "Jerry"' });
    });

    it('outputs a value unescaped in html when the template says | raw', () => {
      expect(ContentTemplate.compile({ html: '{{ contact.nickname | raw }}' }).render(ctx).html).toBe('<b>Ada</b>');
    });

    it('escapes values inside a capture once, when captured', () => {
      const html = '{% capture card %}<b>{{ contact.nickname }}</b>{% endcapture %}{{ card | raw }}';
      expect(ContentTemplate.compile({ html }).render(ctx).html).toBe('<b>&lt;b&gt;Ada&lt;/b&gt;</b>');
    });

    it('escapes once, not twice, a value the template escapes itself', () => {
      expect(ContentTemplate.compile({ html: '{{ contact.nickname | escape }}' }).render(ctx).html).toBe('&lt;b&gt;Ada&lt;/b&gt;');
    });
  });
});
