/**
 * The URIs an integrator acts through. Each carries a signed token scoped to one sendout (and one
 * message for a reject), valid until the gate's deadline plus a grace period: within the grace a
 * late call is told the gate's state (409), after it the URI is gone (410).
 */
import { TokenSigner } from '@sendgate/crypto';

export type GateAction = 'finish' | 'items' | 'reject' | 'data';

export interface GateClaims {
  a: GateAction;
  s: string;
  m?: number;
  exp: number;
}

export type GateTokenCheck = { ok: true; claims: GateClaims } | { ok: false; status: 401 | 410; message: string };

export class GateUris {
  constructor(
    private readonly signer: TokenSigner,
    private readonly baseUrl: string,
    private readonly graceMs: number,
  ) {}

  finish(sendoutId: string, deadline: Date): string {
    return this.uri('finish', sendoutId, deadline);
  }

  items(sendoutId: string, deadline: Date): string {
    return this.uri('items', sendoutId, deadline);
  }

  data(sendoutId: string, deadline: Date): string {
    return this.uri('data', sendoutId, deadline);
  }

  /** cancelUri (batch) and rejectUri (single) alike: reject one contact's message. */
  reject(sendoutId: string, messageId: number, deadline: Date): string {
    return this.uri('reject', sendoutId, deadline, messageId);
  }

  check(token: string, action: GateAction, nowMs = Date.now()): GateTokenCheck {
    const result = this.signer.verify<GateClaims>(token, nowMs);
    if (!result.ok) {
      return result.reason === 'expired'
        ? { ok: false, status: 410, message: 'this gate URI has expired' }
        : { ok: false, status: 401, message: 'this gate URI is not valid' };
    }
    if (result.claims.a !== action) return { ok: false, status: 401, message: 'this gate URI is not valid for this action' };
    return result;
  }

  private uri(action: GateAction, sendoutId: string, deadline: Date, messageId?: number): string {
    const exp = Math.ceil((deadline.getTime() + this.graceMs) / 1000);
    const claims: GateClaims = messageId === undefined ? { a: action, s: sendoutId, exp } : { a: action, s: sendoutId, m: messageId, exp };
    return `${this.baseUrl}/gate/v1/${action}/${this.signer.sign(claims)}`;
  }
}
