/**
 * The worker's Prometheus endpoint: our sendgate_* metrics followed by the Temporal SDK's own
 * (task slots, poll and schedule-to-start latencies, sticky cache), on one port.
 *
 * The SDK exports its metrics from its native runtime, on an HTTP server of its own; that one
 * listens on a loopback port picked at start and is read on every scrape, so Prometheus needs one
 * target per worker and the SDK's port is never exposed.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { Logger } from '@nestjs/common';
import { METRICS_CONTENT_TYPE, metrics } from '@sendgate/metrics';

/** A scrape waits this long for the SDK's metrics, then answers with ours alone. */
const SDK_SCRAPE_TIMEOUT_MS = 2_000;

export interface MetricsServerOptions {
  host: string;
  port: number;
}

/**
 * Serves `/metrics` on `host:port`: ours, then the SDK's exporter's at `sdkUrl` (the runtime was
 * installed with it, see installTemporalRuntime).
 */
export async function startMetricsServer(options: MetricsServerOptions, sdkUrl: string, logger: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    void scrape(sdkUrl, logger).then(
      (text) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.log(`metrics on http://${options.host}:${port}/metrics`);
  return server;
}

async function scrape(sdkUrl: string, logger: Logger): Promise<string> {
  const ours = await metrics.text();
  try {
    const response = await fetch(sdkUrl, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`it answered ${response.status}`);
    return `${ours.endsWith('\n') ? ours : `${ours}\n`}${await response.text()}`;
  } catch (error) {
    logger.warn(`serving sendgate metrics without the Temporal SDK's: ${(error as Error).message}`);
    return ours;
  }
}

/** A loopback port free now: the SDK binds it a moment later (it cannot be given port 0 and asked which it took). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
