/**
 * A messages-per-second limit per integration, honoured across every worker: permits come from a
 * one-second window row, taken with a conditional UPDATE so that workers together never take more
 * than the limit in a window. Each caller takes a few permits at a time, so the database sees one
 * round trip per batch, not per message. Windows follow the workers' clocks (keep them in sync).
 */
import { Sql } from '../sql';

const KEEP_WINDOWS_S = 120;

export class RateLimiter {
  private readonly local = new Map<string, { window: number; left: number; exhausted: boolean; taking?: Promise<void> }>();

  constructor(
    private readonly sql: Sql,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Waits until one send to `integrationId` is allowed under `perSecond`. */
  async acquire(integrationId: string, perSecond: number): Promise<void> {
    for (;;) {
      const window = Math.floor(this.clock() / 1000);
      const state = this.local.get(integrationId);
      if (state && state.window === window && state.left > 0) {
        state.left -= 1;
        return;
      }
      if (state?.taking) {
        await state.taking;
        continue;
      }
      if (state && state.window === window && state.exhausted) {
        await sleep(1000 - (this.clock() % 1000) + 1); // this window is used up, by us or other workers
        continue;
      }
      const entry = { window, left: 0, exhausted: false, taking: undefined as Promise<void> | undefined };
      this.local.set(integrationId, entry);
      entry.taking = this.take(integrationId, window, perSecond).then(
        (granted) => {
          entry.left = granted;
          entry.exhausted = granted === 0;
          entry.taking = undefined;
        },
        (error) => {
          this.local.delete(integrationId);
          throw error;
        },
      );
      await entry.taking;
    }
  }

  /** Takes up to a batch of this window's permits; answers how many it got. */
  private async take(integrationId: string, window: number, perSecond: number): Promise<number> {
    const batch = Math.max(1, Math.min(50, Math.ceil(perSecond / 8)));
    const { dialect } = this.sql;
    await this.sql.run(`${dialect.insertIgnore} INTO rate_windows (integration_id, window_start, used) VALUES (?, ?, 0)`, [
      integrationId,
      window,
    ]);
    for (let want = batch; want > 0; want = Math.min(want - 1, await this.left(integrationId, window, perSecond))) {
      const got = await this.sql.run(
        'UPDATE rate_windows SET used = used + ? WHERE integration_id = ? AND window_start = ? AND used + ? <= ?',
        [want, integrationId, window, want, perSecond],
      );
      if (got === 1) {
        if (window % 30 === 0) await this.forgetOld(integrationId, window);
        return want;
      }
    }
    return 0;
  }

  private async left(integrationId: string, window: number, perSecond: number): Promise<number> {
    const row = await this.sql.one<{ used: number | string }>(
      'SELECT used FROM rate_windows WHERE integration_id = ? AND window_start = ?',
      [integrationId, window],
    );
    return Math.max(0, perSecond - Number(row?.used ?? 0));
  }

  private async forgetOld(integrationId: string, window: number): Promise<void> {
    await this.sql.run('DELETE FROM rate_windows WHERE integration_id = ? AND window_start < ?', [integrationId, window - KEEP_WINDOWS_S]);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
