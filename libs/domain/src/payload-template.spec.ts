import { MAX_TEMPLATE_DEPTH, PayloadContext, PayloadTemplate, PayloadTemplateError } from './payload-template';

const ctx: PayloadContext = {
  vars: { email: 'ada@example.com', subject: 'Quote " and \\ and\nnewline', html: '<p>Hi</p>', messageId: '42', idempotencyKey: 's:1' },
  contact: { firstName: 'Ada', tags: ['a', 'b'], score: 7 },
  gate: { promoCode: 'SPRING' },
};

describe('PayloadTemplate', () => {
  it('escapes substituted values so the result is always valid JSON', () => {
    const sut = PayloadTemplate.compile('{"to":"${email}","subject":"Re: ${subject}","code":"${gate.promoCode}"}');
    expect(JSON.parse(sut.renderJson(ctx))).toEqual({ to: 'ada@example.com', subject: `Re: ${ctx.vars.subject}`, code: 'SPRING' });
  });

  it('keeps the JSON type of a value that fills a whole string', () => {
    const sut = PayloadTemplate.compile('{"tags":"${contact.tags}","score":"${contact.score}","missing":"${contact.nope}"}');
    expect(JSON.parse(sut.renderJson(ctx))).toEqual({ tags: ['a', 'b'], score: 7, missing: null });
  });

  it("renders Infobip's JSON email body", () => {
    const sut = PayloadTemplate.compile(
      JSON.stringify({
        messages: [
          {
            sender: 'news@example.com',
            destinations: [{ to: [{ destination: '${email}' }] }],
            content: { subject: '${subject}', html: '${html}' },
          },
        ],
      }),
    );
    expect(JSON.parse(sut.renderJson(ctx))).toEqual({
      messages: [
        {
          sender: 'news@example.com',
          destinations: [{ to: [{ destination: 'ada@example.com' }] }],
          content: { subject: ctx.vars.subject, html: '<p>Hi</p>' },
        },
      ],
    });
  });

  it("renders SendGrid's v3 mail/send body", () => {
    const sut = PayloadTemplate.compile(
      JSON.stringify({
        personalizations: [{ to: [{ email: '${email}' }], custom_args: { message_id: '${messageId}' } }],
        from: { email: 'news@example.com' },
        subject: '${subject}',
        content: [{ type: 'text/html', value: '${html}' }],
      }),
    );
    expect(JSON.parse(sut.renderJson(ctx))).toEqual({
      personalizations: [{ to: [{ email: 'ada@example.com' }], custom_args: { message_id: '42' } }],
      from: { email: 'news@example.com' },
      subject: ctx.vars.subject,
      content: [{ type: 'text/html', value: '<p>Hi</p>' }],
    });
  });

  it('says which variables it reads, so that what it never reads (attachments) need not be loaded', () => {
    const sut = PayloadTemplate.compile('{"to":"${email}","files":"${attachments}","note":"for ${contact.name}"}');
    expect(['email', 'attachments', 'contact', 'from'].map((v) => sut.uses(v as never))).toEqual([true, true, true, false]);
    expect(PayloadTemplate.compile('{"to":"${email}"}').uses('attachments')).toBe(false);
  });

  it('renders the email API variables: the attachments list keeps its JSON shape', () => {
    const sut = PayloadTemplate.compile('{"from":"${from}","cc":"${cc}","attachments":"${attachments}","id":"${emailMessageId}"}');
    const attachments = [{ name: 'a.pdf', contentType: 'application/pdf', disposition: 'attachment', content: 'JVBERg==' }];
    expect(
      JSON.parse(
        sut.renderJson({
          contact: {},
          gate: {},
          vars: { from: 'Jane <j@example.com>', cc: ['c@example.com'], attachments, emailMessageId: 'm1' },
        }),
      ),
    ).toEqual({ from: 'Jane <j@example.com>', cc: ['c@example.com'], attachments, id: 'm1' });
  });

  it('refuses unknown variables and invalid JSON, naming where', () => {
    expect(() => PayloadTemplate.compile('{"a":["${nope}"]}')).toThrow(PayloadTemplateError);
    try {
      PayloadTemplate.compile('{"a":["x ${nope}"]}');
    } catch (error) {
      expect((error as PayloadTemplateError).errors[0].field).toBe('payloadTemplate.a[0]');
    }
    expect(() => PayloadTemplate.compile('{"a": }')).toThrow(/not valid JSON/);
  });

  describe('when the template nests deeper than it may', () => {
    it('refuses a template nested 10,000 deep with one error naming payloadTemplate', () => {
      const errors = errorsOf(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
      expect(errors).toEqual([{ field: 'payloadTemplate', message: expect.stringContaining('levels deep') }]);
    });

    it('accepts one nested exactly as deep as allowed', () => {
      expect(() => PayloadTemplate.compile(`${'['.repeat(MAX_TEMPLATE_DEPTH)}${']'.repeat(MAX_TEMPLATE_DEPTH)}`)).not.toThrow();
    });
  });

  it.each(['${contact.constructor}', '${gate.__proto__}', 'x ${contact.toString}'])('refuses %s: it reads no data', (placeholder) => {
    expect(errorsOf(JSON.stringify({ a: placeholder }))).toEqual([
      { field: 'payloadTemplate.a', message: expect.stringContaining('built-in property') },
    ]);
  });
});

function errorsOf(source: string): Array<{ field: string; message: string }> {
  try {
    PayloadTemplate.compile(source);
  } catch (error) {
    return (error as PayloadTemplateError).errors;
  }
  return [];
}
