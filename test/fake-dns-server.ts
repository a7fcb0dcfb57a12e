/**
 * A stand-in DNS server: real UDP on 127.0.0.1 that answers A queries from `answer` (per name, with
 * how many A queries that name has had), AAAA queries with no records, and unknown names with
 * NXDOMAIN. Enough for node:dns Resolver#resolve4/resolve6, nothing more.
 */
import { Socket, createSocket } from 'node:dgram';
import { AddressInfo } from 'node:net';

const TYPE_A = 1;
const TYPE_AAAA = 28;

/**
 * The IPv4 address for the `count`-th A query (1-based) of `name`; undefined: the name does not
 * exist. Count 0 asks only whether it exists (for an AAAA query, answered with no records).
 */
export type DnsAnswer = (name: string, count: number) => string | undefined;

export class FakeDnsServer {
  /** Every question asked, in order: `A rebind.test`. */
  readonly queries: string[] = [];
  private readonly counts = new Map<string, number>();
  private socket?: Socket;

  constructor(private readonly answer: DnsAnswer) {}

  /** `127.0.0.1:<port>`, as SENDGATE_DNS_SERVERS takes it. */
  get address(): string {
    const { address, port } = this.socket!.address() as AddressInfo;
    return `${address}:${port}`;
  }

  async start(): Promise<this> {
    this.socket = createSocket('udp4');
    this.socket.on('message', (query, from) => {
      const reply = this.reply(query);
      if (reply) this.socket!.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve) => this.socket!.bind(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }

  /** Rebinding: a public documentation address (never connected to) first, loopback ever after. */
  static rebinding(names: string[], publicAddress = '203.0.113.10'): FakeDnsServer {
    return new FakeDnsServer((name, count) => (names.includes(name) ? (count === 1 ? publicAddress : '127.0.0.1') : undefined));
  }

  private reply(query: Buffer): Buffer | undefined {
    if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined; // exactly one question
    const labels: string[] = [];
    let at = 12;
    while (at < query.length && query[at] !== 0) {
      const length = query[at];
      if (length > 63 || at + 1 + length > query.length) return undefined;
      labels.push(query.toString('latin1', at + 1, at + 1 + length));
      at += 1 + length;
    }
    const questionEnd = at + 5;
    if (questionEnd > query.length) return undefined;
    const type = query.readUInt16BE(at + 1);
    const name = labels.join('.').toLowerCase();
    this.queries.push(`${type === TYPE_A ? 'A' : type === TYPE_AAAA ? 'AAAA' : type} ${name}`);

    let address: string | undefined;
    let known = true;
    if (type === TYPE_A) {
      const count = (this.counts.get(name) ?? 0) + 1;
      this.counts.set(name, count);
      address = this.answer(name, count);
      known = address !== undefined;
    } else {
      known = this.answer(name, 0) !== undefined;
    }

    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0); // the query's id
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // response, recursion desired and available; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(address ? 1 : 0, 6);
    const question = query.subarray(12, questionEnd);
    if (!address) return Buffer.concat([header, question]);
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(TYPE_A, 2);
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(0, 6); // TTL 0: nothing may cache it
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
    return Buffer.concat([header, question, record]);
  }
}
