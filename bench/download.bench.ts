/**
 * Benchmark of the item download: BENCH_ITEMS (default 1,000,000) gated contacts streamed as NDJSON
 * with a signed cancelUri each, consumed line by line, while the API process's memory is sampled.
 * The API runs in this process, so its resident memory is what we sample.
 */
import 'reflect-metadata';
import { fmt, prepareAudience, printTable, startBenchStack, startIntegrator } from './bench-stack';
import { recordResults, round } from './results';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000_000);

async function main(): Promise<void> {
  const integrator = await startIntegrator();
  const stack = await startBenchStack();
  try {
    console.log(`download benchmark: ${fmt(ITEMS)} gated contacts, NDJSON item download`);
    await stack.call('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url });
    const audience = await prepareAudience(stack, {
      name: 'download bench',
      cohort: 'dl',
      count: ITEMS,
      payloadTemplate: '{"to":"${email}"}',
    });
    const sendout = await stack.call('POST', '/v1/sendouts', {
      projectId: audience.projectId,
      name: 'download bench',
      segmentId: audience.segmentId,
      integrationId: audience.integrationId,
      content: { subject: 'x' },
      gate: { enabled: true, timeout: '1h' },
    });
    const hook = await integrator.webhook(sendout.id);

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const started = performance.now();
    const response = await fetch(hook.itemDownloadUri);
    const reader = response.body!.getReader();
    let lines = 0;
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (const byte of value) if (byte === 10) lines += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await stack.call('POST', `/v1/sendouts/${sendout.id}/cancel`);

    printTable([
      ['items streamed', `${fmt(lines)} in ${seconds.toFixed(2)} s (${fmt(lines / seconds)} items/s)`],
      [
        'API process RSS before / peak during',
        `${(before / 2 ** 20).toFixed(0)} MiB / ${(peak / 2 ** 20).toFixed(0)} MiB (+${((peak - before) / 2 ** 20).toFixed(0)} MiB)`,
      ],
      ['NDJSON size', `${(bytes / 2 ** 20).toFixed(0)} MiB`],
    ]);
    await recordResults(stack.sql, 'download', {
      figures: {
        items: ITEMS,
        items_streamed: lines,
        download_s: round(seconds),
        download_items_per_s: round(lines / seconds),
        ndjson_mib: round(bytes / 2 ** 20, 1),
        api_rss_before_mib: round(before / 2 ** 20, 1),
        api_rss_peak_mib: round(peak / 2 ** 20, 1),
        api_rss_includes_bench_driver: true,
      },
    });
    if (lines !== ITEMS) throw new Error(`expected ${ITEMS} lines, got ${lines}`);
  } finally {
    await stack.stop();
    integrator.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
