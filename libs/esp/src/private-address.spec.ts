import { isPrivateAddress } from './private-address';

describe('isPrivateAddress', () => {
  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback', '127.255.0.9'],
    ['loopback', '::1'],
    ['unspecified', '0.0.0.0'],
    ['unspecified', '::'],
    ['"this network"', '0.1.2.3'],
    ['private', '10.1.2.3'],
    ['private', '172.20.0.1'],
    ['private', '192.168.1.1'],
    ['unique local', 'fd00::1'],
    ['link-local', '169.254.1.1'],
    ['link-local', 'fe80::1'],
    ['link-local with a zone', 'fe80::1%eth0'],
    ['cloud metadata', '169.254.169.254'],
    ['cloud metadata', 'fd00:ec2::254'],
    ['CGNAT', '100.64.0.1'],
    ['CGNAT', '100.127.255.254'],
    ['benchmarking', '198.18.0.1'],
    ['IETF protocol assignments', '192.0.0.170'],
    ['multicast', '224.0.0.1'],
    ['multicast', 'ff02::1'],
    ['reserved', '240.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['NAT64', '64:ff9b::7f00:1'],
    ['NAT64', '64:ff9b::808:808'],
    ['local-use NAT64', '64:ff9b:1::a00:1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, in hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
    ['IPv4-compatible loopback', '::127.0.0.1'],
    ['IPv4-translated private', '::ffff:0:10.0.0.1'],
    ['6to4 of loopback', '2002:7f00:1::1'],
    ['Teredo', '2001:0:4136:e378::1'],
    ['site-local', 'fec0::1'],
    ['discard', '100::1'],
  ])('counts %s %s as private', (_, address) => expect(isPrivateAddress(address)).toBe(true));

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '203.0.113.10',
    '2001:4860:4860::8888',
    '2a00:1450:4001::200e',
    '::ffff:8.8.8.8',
    '2002:808:808::1',
  ])('counts %s as public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('answers false for what is not an address (a name is checked once it is resolved)', () => {
    expect(isPrivateAddress('localhost')).toBe(false);
  });
});
