/**
 * What the send page activity puts in a message: each message's own unsubscribe link, and an email
 * API request's recipients, placeholders and files. Real activity context, SQLite in memory, a fake
 * ESP as a real server on 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { ContactsRepository, EmailSendsRepository, MessagesRepository } from '@sendgate/database';
import { UnsubscribeLinks } from '@sendgate/crypto';
import { MessageState, SendoutStage } from '@sendgate/domain';
import { ActivityEnvironment } from '../test/activity-environment';
import { sendPageFixture } from '../test/send-page-fixture';
import { TEST_SIGNER } from '../test/sendout-activity-deps';
import { sendoutRow } from '../test/sendout-row';

const fixture = sendPageFixture();
const { db, esp, sendout } = fixture;
let sut: typeof fixture.sut;
let env: ActivityEnvironment;
beforeEach(() => ({ sut, env } = fixture));

describe('sendMessagePage', () => {
  describe('when the content or the payload uses the unsubscribe link', () => {
    const links = new UnsubscribeLinks(TEST_SIGNER, 'http://127.0.0.1:3000');
    const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

    it("gives each message its own signed link, in {{ unsubscribe_url }} and as the List-Unsubscribe headers' values", async () => {
      const { sendoutId, ids, range } = await sendout(2, {
        content: { subject: 'News', html: '<a href="{{ unsubscribe_url }}">leave</a>' },
        payloadTemplate:
          '{"html":"${html}","headers":{"List-Unsubscribe":"${listUnsubscribe}","List-Unsubscribe-Post":"${listUnsubscribePost}"}}',
      });

      await env.run(sut, { sendoutId, range, concurrency: 2 });

      const bodies = esp.requests.filter((r) => r.key.startsWith(`${sendoutId}:`)).map((r) => JSON.parse(r.body));
      const accountId = (await db.sql.one<{ account_id: string }>('SELECT account_id FROM sendouts WHERE id = ?', [sendoutId]))!.account_id;
      const named = bodies.map((body) => {
        const url = /href="([^"]+)"/.exec(body.html)![1];
        expect(body.headers).toEqual({ 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
        expect(url.startsWith('http://127.0.0.1:3000/u/')).toBe(true);
        return links.check(tokenOf(url));
      });
      expect(named.sort((a, b) => (a.ok && b.ok ? a.messageId - b.messageId : 0))).toEqual(
        ids.map((messageId) => ({ ok: true, messageId, accountId })),
      );
    });

    it('makes the link for the payload when only the payload reads it', async () => {
      const { sendoutId, ids, range } = await sendout(1, {
        content: { subject: 'News', html: '<p>{{ contact.firstName }}</p>' },
        payloadTemplate: '{"html":"${html}","list":"${listUnsubscribe}"}',
      });

      await env.run(sut, { sendoutId, range, concurrency: 1 });

      const [body] = esp.requests.filter((r) => r.key.startsWith(`${sendoutId}:`)).map((r) => JSON.parse(r.body));
      expect(body.html).toBe('<p>Contact1</p>');
      expect(links.check(tokenOf(body.list.slice(1, -1)))).toMatchObject({ ok: true, messageId: ids[0] });
    });
  });

  describe('when the sendout came from the email API', () => {
    it("sends to each recipient's address with its placeholders over the defaults (ours win a clash) and the request's files", async () => {
      const accountId = await db.account();
      const integrationId = await fixture.integration(accountId, {
        payloadTemplate:
          '{"to":"${email}","from":"${from}","subject":"${subject}","html":"${html}","bulkId":"${bulkId}",' +
          '"id":"${emailMessageId}","cc":"${cc}","files":"${attachments}"}',
      });
      const address = `Ann.${randomUUID().slice(0, 6)}@Example.com`;
      const contacts = await new ContactsRepository(db.sql).ensure(accountId, [{ externalId: address.toLowerCase(), email: address }]);
      const sendout = sendoutRow({
        accountId,
        integrationId,
        name: 'email bulk-1',
        kind: 'single',
        contactIds: [address.toLowerCase()],
        content: { subject: 'Hi {{ name }} ({{ sendout.name }})', html: '<p>{{ company }}</p>' },
        stage: SendoutStage.SENDING,
      });
      const file = {
        disposition: 'attachment' as const,
        filename: 'a.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.7'),
      };
      await new EmailSendsRepository(db.sql).store({
        sendout,
        feedbackWebhookIds: [],
        bulk: {
          sendoutId: sendout.id!,
          accountId,
          bulkId: `bulk-${randomUUID()}`,
          fromAddress: 'jane@example.com',
          envelope: { from: 'Jane <jane@example.com>', cc: ['c@example.com'], defaultPlaceholders: { company: 'ACME', name: 'you' } },
          callbackData: null,
          notifyUrl: null,
          notifyContentType: null,
        },
        recipients: [
          {
            contactId: contacts.get(address.toLowerCase())!,
            messageId: 'client-1',
            to: address,
            placeholders: { name: 'Ann', sendout: 'x' },
          },
        ],
        files: [file],
      });
      await new MessagesRepository(db.sql).generateForExternalIds({
        sendoutId: sendout.id!,
        accountId,
        externalIds: [address.toLowerCase()],
        state: MessageState.ACCEPTED,
      });
      const [{ id }] = await db.sql.all<{ id: number | string }>('SELECT id FROM messages WHERE sendout_id = ?', [sendout.id]);

      const range: [number, number] = [Number(id), Number(id)];
      expect(await env.run(sut, { sendoutId: sendout.id!, range, concurrency: 1 })).toEqual({
        sent: 1,
        failed: 0,
      });

      const body = JSON.parse(esp.requests.find((r) => r.key.startsWith(`${sendout.id}:`))!.body);
      expect(body).toEqual({
        to: address,
        from: 'Jane <jane@example.com>',
        subject: 'Hi Ann (email bulk-1)',
        html: '<p>ACME</p>',
        bulkId: expect.stringMatching(/^bulk-/),
        id: 'client-1',
        cc: ['c@example.com'],
        files: [{ name: 'a.pdf', contentType: 'application/pdf', disposition: 'attachment', content: file.content.toString('base64') }],
      });
    });
  });
});
