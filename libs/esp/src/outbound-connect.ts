/**
 * The one way out for every outbound request (ESP sends, test calls, token requests, gate
 * webhooks, SQS). A URL checked when it was saved can resolve elsewhere later (DNS rebinding), so
 * the check that counts is made here, when connecting: a name is resolved once, every address is
 * checked, and the socket connects to an address that was checked; an IP-literal host (which
 * never goes through a lookup) is checked before the connection is opened.
 */
import { LookupAddress, LookupOptions, lookup as systemLookup } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { Duplex } from 'node:stream';
import { LookupFunction, isIP } from 'node:net';
import { buildConnector } from 'undici';
import { isPrivateAddress } from './private-address';

export interface OutboundPolicy {
  allowPrivateNetworks: boolean;
  /** `host:port` of the DNS servers to ask instead of the system resolver. */
  dnsServers?: string[];
}

export const OUTBOUND_REFUSED = 'ERR_SENDGATE_OUTBOUND_REFUSED';

export class OutboundRefusedError extends Error {
  readonly code = OUTBOUND_REFUSED;

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`refused to connect to ${host} (${address}): private or loopback address; set SENDGATE_ALLOW_PRIVATE_NETWORKS=true to allow it`);
  }
}

/** Whether `error`, or an error it wraps (axios, the AWS SDK), is a refusal of the guard. */
export function isOutboundRefusal(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === OUTBOUND_REFUSED) return true;
  }
  return false;
}

type LookupCallback = Parameters<LookupFunction>[2];

export class OutboundGuard {
  /**
   * A drop-in for dns.lookup (`all`, `family` included) that answers only addresses it checked;
   * with private networks allowed and no DNS servers configured, dns.lookup itself.
   */
  readonly lookup: LookupFunction;
  /**
   * For axios: both agents and, while addresses are checked, no proxy from the environment (a
   * proxy would resolve the name itself, unchecked).
   */
  readonly axiosAgents: { httpAgent: http.Agent; httpsAgent: https.Agent; proxy?: false };
  private readonly resolver?: Resolver;

  constructor(private readonly policy: OutboundPolicy) {
    if (policy.dnsServers?.length) {
      this.resolver = new Resolver();
      this.resolver.setServers(policy.dnsServers);
    }
    const unchecked = policy.allowPrivateNetworks && !this.resolver;
    this.lookup = unchecked ? systemLookup : this.guardedLookup;
    this.axiosAgents = { ...this.createAgents(), ...(unchecked ? {} : { proxy: false as const }) };
  }

  /** A pair of keep-alive agents that connect only through the guard, for a client that owns (and destroys) its agents. */
  createAgents(): { httpAgent: http.Agent; httpsAgent: https.Agent } {
    type Created = (err: Error | null, stream: Duplex) => void;
    const refused = (host: string | null | undefined, callback?: Created) => this.refuseLiteral(host ?? undefined, callback);
    const options = { keepAlive: true, lookup: this.lookup };
    return {
      httpAgent: new (class extends http.Agent {
        createConnection(o: http.ClientRequestArgs, callback?: Created) {
          return refused(o.host, callback) ? undefined : super.createConnection(o, callback);
        }
      })(options),
      httpsAgent: new (class extends https.Agent {
        createConnection(o: https.RequestOptions, callback?: Created) {
          return refused(o.host, callback) ? undefined : super.createConnection(o, callback);
        }
      })(options),
    };
  }

  /** The lookup when addresses must be checked (or resolved through the configured servers). */
  private readonly guardedLookup: LookupFunction = (hostname, options, callback?: LookupCallback) => {
    if (typeof options === 'function') [callback, options] = [options as LookupCallback, {}];
    const opts: LookupOptions = typeof options === 'number' ? { family: options } : (options ?? {});
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : (opts.family ?? 0);
    this.resolve(hostname, family).then(
      (addresses) => {
        const refusal = addresses.map((a) => this.refusal(hostname, a.address)).find(Boolean);
        if (refusal) return callback!(refusal, '');
        if (opts.all) return callback!(null, addresses);
        callback!(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback!(error, ''),
    );
  };

  get allowsPrivateNetworks(): boolean {
    return this.policy.allowPrivateNetworks;
  }

  /** Every address of `host` (of one family when asked), from the configured servers or the system resolver. */
  async resolve(host: string, family: number = 0): Promise<LookupAddress[]> {
    const literal = isIP(host);
    if (literal !== 0) return [{ address: host, family: literal }];
    if (!this.resolver) {
      return new Promise((resolve, reject) =>
        systemLookup(host, { all: true, family }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
      );
    }
    const [v4, v6] = await Promise.allSettled([
      family === 6 ? Promise.resolve([]) : this.resolver.resolve4(host),
      family === 4 ? Promise.resolve([]) : this.resolver.resolve6(host),
    ]);
    const addresses = [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
    if (addresses.length > 0) return addresses;
    const failed = [v4, v6].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason ?? Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
  }

  /** Why `address` (which `host` resolved to) may not be connected to; undefined when it may. */
  refusal(host: string, address: string): OutboundRefusedError | undefined {
    if (this.policy.allowPrivateNetworks || !isPrivateAddress(address)) return undefined;
    return new OutboundRefusedError(host, address);
  }

  /** An undici `connect` function: IP literals checked before connecting, names through the guarded lookup. */
  connector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
    const connect = buildConnector({ ...options, lookup: this.lookup } as buildConnector.BuildOptions);
    return (target, callback) => {
      if (this.refuseLiteral(target.hostname, callback)) return;
      connect(target, callback);
    };
  }

  /** Closes the agents' idle connections. */
  destroy(): void {
    this.axiosAgents.httpAgent.destroy();
    this.axiosAgents.httpsAgent.destroy();
  }

  /** Refuses (through `callback`, as a failed connection) an IP-literal host the policy does not allow. */
  private refuseLiteral(host: string | undefined, callback?: (error: Error, socket: never) => void): boolean {
    const address = host?.replace(/^\[|\]$/g, '') ?? '';
    const refusal = isIP(address) !== 0 ? this.refusal(address, address) : undefined;
    if (refusal) process.nextTick(() => callback?.(refusal, null as never));
    return refusal !== undefined;
  }
}
