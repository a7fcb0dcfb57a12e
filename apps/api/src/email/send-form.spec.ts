import { FormField, FormFile, baseFieldName, parseSendAt, readSendForm } from './send-form';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const field = (name: string, value: string): FormField => ({ name, value });
const base = [field('from', 'Jane Doe <jane@example.com>'), field('subject', 'Hi')];
const read = (fields: FormField[], files: FormFile[] = [], maxAttachmentBytes = 1_000) =>
  readSendForm(fields, files, { maxAttachmentBytes, now: NOW });
const fieldsOf = (errors: Array<{ field: string }>) => errors.map((e) => e.field);

describe('reading the send form', () => {
  describe('when to comes repeated, indexed or as JSON', () => {
    it('reads every form as one list of recipients, in order, with their placeholders', () => {
      const sut = read([
        ...base,
        field('to', 'a@example.com'),
        field("to['1']", 'b@example.com'),
        field('to[2]', '{"to":"c@example.com","placeholders":{"name":"Cy"}}'),
        field('to["3"]', 'd@example.com'),
      ]);
      expect(sut.errors).toEqual([]);
      expect(sut.request!.to).toEqual([
        { address: 'a@example.com' },
        { address: 'b@example.com' },
        { address: 'c@example.com', placeholders: { name: 'Cy' } },
        { address: 'd@example.com' },
      ]);
      expect(sut.request!.fromAddress).toBe('jane@example.com');
    });

    it('keeps one recipient for an address given twice, whatever its case', () => {
      expect(read([...base, field('to', 'a@example.com'), field('to', 'A@Example.com')]).request!.to).toHaveLength(1);
    });

    it('names the bad value: not an address, JSON without to, placeholders not an object', () => {
      const sut = read([
        ...base,
        field('to', 'not-an-address'),
        field('to', '{"placeholders":{}}'),
        field('to', '{"to":"a@example.com","placeholders":[1]}'),
        field('to', '{"to":"a@example.com","placeholders":{"__proto__":{"x":1}}}'),
      ]);
      expect(fieldsOf(sut.errors)).toEqual(['to[0]', 'to[1].to', 'to[2].placeholders', 'to[3]']);
    });
  });

  it('refuses a request without from, to and subject, naming all three', () => {
    expect(fieldsOf(read([]).errors).sort()).toEqual(['from', 'subject', 'to']);
  });

  it('refuses more than 1000 recipients over to, cc and bcc', () => {
    const to = Array.from({ length: 998 }, (_, i) => field('to', `u${i}@example.com`));
    expect(read([...base, ...to, field('cc', 'c@example.com'), field('bcc', 'b@example.com')]).errors).toEqual([]);
    const sut = read([...base, ...to, field('cc', 'c@example.com'), field('bcc', 'b@example.com'), field('bcc', 'd@example.com')]);
    expect(sut.errors).toEqual([{ field: 'to', message: 'has 1001 recipients over to, cc and bcc; at most 1000' }]);
  });

  it('bounds the text fields: subject, callbackData, ids', () => {
    const sut = read([
      field('from', 'jane@example.com'),
      field('to', 'a@example.com'),
      field('subject', 's'.repeat(1_001)),
      field('callbackData', 'c'.repeat(4_001)),
      field('bulkId', 'b'.repeat(101)),
      field('messageId', 'has space'),
    ]);
    expect(fieldsOf(sut.errors)).toEqual(['subject', 'bulkId', 'messageId', 'callbackData']);
    expect(read([...base, field('to', 'a@example.com'), field('callbackData', 'c'.repeat(4_000))]).errors).toEqual([]);
  });

  it('refuses a singular field given twice', () => {
    expect(read([...base, field('to', 'a@example.com'), field('subject', 'again')]).errors).toEqual([
      { field: 'subject', message: 'is given more than once' },
    ]);
  });

  describe('sendAt', () => {
    it("reads Infobip's format and ISO 8601, up to 30 days ahead", () => {
      expect(parseSendAt('2026-11-25T10:00:00.000+0000')).toEqual(new Date('2026-11-25T10:00:00.000Z'));
      expect(parseSendAt('2026-11-25T12:00:00+02:00')).toEqual(new Date('2026-11-25T10:00:00.000Z'));
      expect(parseSendAt('2026-11-25T10:00:00Z')).toEqual(new Date('2026-11-25T10:00:00.000Z'));
      expect(parseSendAt('tomorrow')).toBeUndefined();
      expect(parseSendAt('2026-11-25')).toBeUndefined();
      const ok = read([...base, field('to', 'a@example.com'), field('sendAt', '2026-12-24T11:00:00.000+0000')]);
      expect(ok.request!.sendAt).toEqual(new Date('2026-12-24T11:00:00.000Z'));
      const far = read([...base, field('to', 'a@example.com'), field('sendAt', '2026-12-24T12:00:01.000+0000')]);
      expect(far.errors).toEqual([{ field: 'sendAt', message: 'must be at most 30 days ahead' }]);
    });
  });

  it('reads the JSON fields and flags, refusing what is not an object or a boolean', () => {
    const ok = read([
      ...base,
      field('to', 'a@example.com'),
      field('defaultPlaceholders', '{"company":"ACME"}'),
      field('headers', '{"X-Campaign":"spring"}'),
      field('track', 'TRUE'),
      field('preserveRecipients', 'false'),
    ]);
    expect(ok.request).toMatchObject({
      defaultPlaceholders: { company: 'ACME' },
      headers: { 'X-Campaign': 'spring' },
      flags: { track: true, preserveRecipients: false },
    });
    const bad = read([
      ...base,
      field('to', 'a@example.com'),
      field('defaultPlaceholders', '[1]'),
      field('headers', '{"X-A":"line\\nbreak"}'),
      field('trackOpens', 'yes'),
    ]);
    expect(fieldsOf(bad.errors)).toEqual(['defaultPlaceholders', 'headers', 'trackOpens']);
  });

  it('honours unsubscribes unless the request says ignoreUnsubscribes=true, which is no ESP flag', () => {
    expect(read([...base, field('to', 'a@example.com')]).request).toMatchObject({ ignoreUnsubscribes: false, flags: {} });
    expect(read([...base, field('to', 'a@example.com'), field('ignoreUnsubscribes', 'true')]).request).toMatchObject({
      ignoreUnsubscribes: true,
      flags: {},
    });
    expect(fieldsOf(read([...base, field('to', 'a@example.com'), field('ignoreUnsubscribes', 'always')]).errors)).toEqual([
      'ignoreUnsubscribes',
    ]);
  });

  it('keeps html over text', () => {
    const sut = read([...base, field('to', 'a@example.com'), field('text', 'plain'), field('html', '<p>rich</p>')]);
    expect(sut.request).toMatchObject({ html: '<p>rich</p>' });
    expect(sut.request!.text).toBeUndefined();
  });

  describe('files', () => {
    const file = (name: string, filename: string, bytes: number): FormFile => ({
      name,
      filename,
      contentType: 'application/pdf',
      content: Buffer.alloc(bytes, 1),
    });

    it('reads attachments and inline images in order, up to the total', () => {
      const sut = read(
        [...base, field('to', 'a@example.com')],
        [file('attachment', 'a.pdf', 600), file('inlineImage[0]', 'logo.png', 400)],
      );
      expect(sut.request!.files.map((f) => [f.disposition, f.filename, f.content.length])).toEqual([
        ['attachment', 'a.pdf', 600],
        ['inline', 'logo.png', 400],
      ]);
    });

    it('refuses files over the total, file names over 255 characters, and files in other fields', () => {
      const sut = read(
        [...base, field('to', 'a@example.com')],
        [file('attachment', 'a.pdf', 600), file('attachment', `${'n'.repeat(256)}.pdf`, 401), file('subject', 'x.txt', 1)],
      );
      expect(sut.errors).toEqual([
        { field: 'attachment', message: 'needs a file name of 1 to 255 characters' },
        { field: 'subject', message: 'is not a file field: files go in attachment or inlineImage parts' },
        { field: 'attachment', message: 'attachments and inline images must total at most 1000 bytes' },
      ]);
    });
  });

  it('names indexed fields by their base name', () => {
    expect(['to', 'to[]', 'to[0]', "to['12']", 'to["3"]', 'to[x]'].map(baseFieldName)).toEqual(['to', 'to', 'to', 'to', 'to', 'to[x]']);
  });
});
