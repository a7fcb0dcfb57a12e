/**
 * The benchmark's ESP: a bare keep-alive HTTP server on 127.0.0.1 in its own process, counting
 * requests and distinct Idempotency-Keys. GET /stats answers the counts (and when the first request
 * came), GET /keys the keys; POST /reset clears them. As a feedback receiver (a path ending in
 * /feedback) it also counts the events of a request whose body is a JSON array of them.
 */
import { createServer } from 'node:http';

const keys = new Set<string>();
let requests = 0;
let events = 0;
let firstAt: number | null = null;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ requests, events, distinctKeys: keys.size, firstAt }));
  }
  if (req.method === 'GET' && req.url === '/keys') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify([...keys]));
  }
  if (req.method === 'POST' && req.url === '/reset') {
    keys.clear();
    requests = 0;
    events = 0;
    firstAt = null;
    return void res.writeHead(204).end();
  }
  const batch = req.url?.endsWith('/feedback') ? ([] as Buffer[]) : undefined;
  if (batch) req.on('data', (chunk: Buffer) => batch.push(chunk));
  else req.resume();
  req.on('end', () => {
    requests += 1;
    events += batch?.[0]?.[0] === 0x5b /* [ */ ? (JSON.parse(Buffer.concat(batch).toString('utf8')) as unknown[]).length : 1;
    firstAt ??= Date.now();
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') keys.add(key);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"ok"}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening ${port}\n`);
});
