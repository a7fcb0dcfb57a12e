/**
 * Which addresses an outbound request must not reach unless private networks are allowed:
 * private, loopback, link-local (cloud metadata lives there), CGNAT, multicast, reserved and
 * unspecified ranges, and IPv6 forms that carry an IPv4 address or translate to one.
 */
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 itself reaches the local host
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, with the cloud metadata service at 169.254.169.254
  ['192.0.0.0', 24], // IETF protocol assignments
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48], // NAT64: the gateway would connect to the IPv4 address inside
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo among them)
  ['fc00::', 7], // unique local, with the cloud metadata service at fd00:ec2::254
  ['fe80::', 10],
  ['fec0::', 10], // link-local and the old site-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const plain = address.split('%')[0]; // a zone id names an interface, not an address
  const embedded = embeddedIpv4(hextets(plain));
  if (embedded !== undefined) return blocked.check(embedded, 'ipv4');
  return blocked.check(plain, 'ipv6');
}

/** The eight 16-bit groups of a valid IPv6 address, a trailing dotted quad included. */
function hextets(address: string): number[] {
  const text = address
    .toLowerCase()
    .replace(
      /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
      (_, a, b, c, d) => `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
    );
  const [head, tail] = text.split('::');
  const parse = (part?: string) => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
 * (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and 6to4 (2002:aabb:ccdd::) all end up there.
 */
function embeddedIpv4(h: number[]): string | undefined {
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && h[5] === 0xffff) return quad(h[6], h[7]);
  if (zeros(0, 4) && h[4] === 0xffff && h[5] === 0) return quad(h[6], h[7]);
  if (zeros(0, 6) && (h[6] !== 0 || h[7] > 1)) return quad(h[6], h[7]); // not :: or ::1, checked as IPv6
  if (h[0] === 0x2002) return quad(h[1], h[2]);
  return undefined;
}
