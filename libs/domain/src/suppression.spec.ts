import { Channel } from './states';
import { suppressionAddress, suppressionOfBounce } from './suppression';

describe('suppressionAddress', () => {
  it('stores an email trimmed and lower-cased, as contacts store theirs', () => {
    expect(suppressionAddress(Channel.EMAIL, '  Ada@Example.COM ')).toEqual({ address: 'ada@example.com' });
  });

  it.each(['', 'ada', 'ada@', '@example.com', 'a da@example.com', `${'a'.repeat(65)}@example.com`, 'a\u0000b@example.com'])(
    'refuses %j as an email',
    (given) => {
      expect(suppressionAddress(Channel.EMAIL, given)).toEqual({ problem: expect.stringContaining('email address') });
    },
  );

  it('takes a phone in E.164, adding the + to bare digits and dropping separators', () => {
    expect(suppressionAddress(Channel.SMS, '+44 1234 567890')).toEqual({ address: '+441234567890' });
    expect(suppressionAddress(Channel.SMS, '441234567890')).toEqual({ address: '+441234567890' });
  });

  it.each(['', 'phone', '+0123456789', '+1234', '+1234567890123456'])('refuses %j as a phone', (given) => {
    expect(suppressionAddress(Channel.SMS, given)).toEqual({ problem: expect.stringContaining('E.164') });
  });
});

describe('suppressionOfBounce', () => {
  it.each([
    [{ type: 'Bounce', code: '5.1.1', reason: 'the mailbox does not exist' }, 'hard_bounce'],
    [{ type: 'BOUNCED', code: 'EC_HARD_BOUNCE', reason: 'Hard bounce' }, 'hard_bounce'],
    [{ type: null, code: null, reason: null }, 'hard_bounce'],
    [{ type: 'Complaint', code: 'complaint', reason: 'the recipient reported spam' }, 'complaint'],
    [{ type: 'spamreport', code: null, reason: null }, 'complaint'],
    [{ type: 'BOUNCED', code: 'EC_SOFT_BOUNCE', reason: 'Soft bounce' }, null],
    [{ type: 'blocked', code: '5.7.1', reason: 'blocked by the receiving server' }, null],
    [{ type: 'bounce', code: '4.2.2', reason: 'over quota' }, null],
    [{ type: 'bounce', code: '452', reason: 'try later' }, null],
    [{ type: 'bounce', code: '5.2.2', reason: 'mailbox full' }, null],
  ])('reads %j as %s', (bounce, expected) => {
    expect(suppressionOfBounce(bounce)).toBe(expected);
  });
});
