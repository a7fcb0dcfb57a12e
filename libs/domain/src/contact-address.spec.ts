import { IDENTIFIER_TYPES, NO_ADDRESS_REASONS, addressNeeded, normalizeEmail, normalizePhone } from './contact-address';

describe('the address an identifier type needs', () => {
  it.each([
    ['email', 'email', 'no email address'],
    ['email_sha256', 'email', 'no email address'],
    ['phone', 'phone', 'no phone number'],
    ['external_id', 'externalId', 'no external id'],
  ])("%s needs the contact's %s (excluded with '%s')", (type, address, reason) => {
    expect(addressNeeded(type)).toBe(address);
    expect(NO_ADDRESS_REASONS[addressNeeded(type)]).toBe(reason);
  });

  it('knows every identifier type and refuses an unknown one', () => {
    for (const type of IDENTIFIER_TYPES) expect(() => addressNeeded(type)).not.toThrow();
    expect(() => addressNeeded('fax')).toThrow('unknown identifier type "fax"');
  });
});

describe('addresses as stored', () => {
  it('trims and lower-cases an email; empty or blank is none', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('   ')).toBeNull();
    expect(normalizeEmail('')).toBeNull();
    expect(normalizeEmail(null)).toBeNull();
    expect(normalizeEmail(undefined)).toBeNull();
  });

  it('keeps a phone in E.164 with its +; empty or blank is none', () => {
    expect(normalizePhone(' +447700900123 ')).toBe('+447700900123');
    expect(normalizePhone('447700900123')).toBe('+447700900123');
    expect(normalizePhone(' ')).toBeNull();
    expect(normalizePhone(null)).toBeNull();
  });
});
