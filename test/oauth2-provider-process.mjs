// A real OAuth2 authorization server for the tests (oidc-provider, client-credentials grant),
// in its own process. GET /stats counts token requests; GET /check?token= says whether a token is live.
import { createServer } from 'node:http';
import { URL } from 'node:url';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const ttl = Number(process.argv[3] ?? 600);
const issuer = `http://127.0.0.1:${port}`;
const client = (id, method) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: method,
});
const provider = new Provider(issuer, {
  clients: [client('sendgate-body', 'client_secret_post'), client('sendgate-header', 'client_secret_basic')],
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
  scopes: ['send'],
  ttl: { ClientCredentials: ttl },
});

let tokenRequests = 0;
const handle = provider.callback();
createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/stats') return void res.end(JSON.stringify({ tokenRequests }));
  if (url.pathname === '/check') {
    const token = await provider.ClientCredentials.find(url.searchParams.get('token') ?? '');
    return void res.end(JSON.stringify({ active: Boolean(token && !token.isExpired) }));
  }
  if (url.pathname === '/token' && req.method === 'POST') tokenRequests += 1;
  return handle(req, res);
}).listen(port, '127.0.0.1', () => console.log(`oauth2 listening ${port}`));
