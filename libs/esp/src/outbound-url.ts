/**
 * Outbound URLs (ESP, gate, feedback, token endpoints) must be http(s), and unless configuration
 * allows it, must not point into private, loopback or link-local networks. This is the check when
 * a URL is saved, for a clear 400; OutboundGuard checks again at every connection.
 */
import { OutboundGuard } from './outbound-connect';

/** Answers why the URL may not be used, or undefined when it may. */
export async function checkOutboundUrl(raw: string, guard: OutboundGuard): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username || url.password) return 'must not carry credentials; use the authentication settings';
  if (guard.allowsPrivateNetworks) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = (await guard.resolve(host)).map((a) => a.address);
  } catch {
    return `host ${host} does not resolve`;
  }
  if (addresses.some((address) => guard.refusal(host, address))) {
    return `points to a private or loopback address (${host}); set SENDGATE_ALLOW_PRIVATE_NETWORKS=true to allow it`;
  }
  return undefined;
}

/** Whether two URLs reach the same scheme, host and port: a secret may stay only with its origin. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
