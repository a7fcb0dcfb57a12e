import { CpuProfile, summarizeSendWindow } from './cpu-profile';

const frame = (functionName: string, url = '') => ({ functionName, url });

/** root → idle; root → lane → renderPayload; root → lane → query (mysql2); root → post (undici) */
function profile(samples: number[], deltasUs: number[]): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 6] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('lane', 'file:///app/dist/activities/concurrency.js'), children: [4, 5] },
      { id: 4, callFrame: frame('renderPayload', 'file:///app/dist/activities/send-message-page.activity.js') },
      { id: 5, callFrame: frame('query', 'file:///app/node_modules/mysql2/lib/base/connection.js') },
      { id: 6, callFrame: frame('request', 'file:///app/node_modules/undici/lib/api/api-request.js') },
    ],
    startTime: 0,
    samples,
    timeDeltas: deltasUs,
  };
}

describe('summarizeSendWindow', () => {
  it('keeps the samples from the first to the last render and sorts them into parts, largest first', () => {
    // idle before the window and a query after it are left out
    const summary = summarizeSendWindow(profile([2, 4, 6, 6, 5, 2, 4, 5], [9_000, 1_000, 2_000, 2_000, 1_000, 3_000, 1_000, 9_000]));

    expect(summary).toEqual({
      windowMs: 10,
      parts: [
        { part: 'HTTP to the ESP (undici, sockets)', ms: 4, share: 0.4 },
        { part: 'idle', ms: 3, share: 0.3 },
        { part: 'render (Liquid content and payload)', ms: 2, share: 0.2 },
        { part: 'database driver (mysql2, TypeORM)', ms: 1, share: 0.1 },
      ],
    });
  });

  it('answers undefined for a profile that never renders a message', () => {
    expect(summarizeSendWindow(profile([2, 5, 6], [1_000, 1_000, 1_000]))).toBeUndefined();
  });
});
