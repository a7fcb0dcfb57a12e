/**
 * The benchmark's ESP: a bare keep-alive HTTP server on 127.0.0.1 in its own process, counting
 * requests and distinct Idempotency-Keys. GET /stats answers the counts (and when the first request
 * came), GET /keys the keys; POST /reset clears them.
 */
import { createServer } from 'node:http';

const keys = new Set<string>();
let requests = 0;
let firstAt: number | null = null;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ requests, distinctKeys: keys.size, firstAt }));
  }
  if (req.method === 'GET' && req.url === '/keys') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify([...keys]));
  }
  if (req.method === 'POST' && req.url === '/reset') {
    keys.clear();
    requests = 0;
    firstAt = null;
    return void res.writeHead(204).end();
  }
  req.resume();
  req.on('end', () => {
    requests += 1;
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
