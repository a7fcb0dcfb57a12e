/** Starts the real OAuth2 authorization server (test/oauth2-provider-process.mjs) as its own process. */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { GiveUp, freePort, waitFor } from './wait';

export class OAuth2Server {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `ttlSeconds`: the lifetime of the access tokens it issues. */
  static async start(ttlSeconds = 600): Promise<OAuth2Server> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(__dirname, 'oauth2-provider-process.mjs'), String(port), String(ttlSeconds)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitFor('the OAuth2 server', 30_000, () => {
      if (child.exitCode !== null) throw new GiveUp(`the OAuth2 server exited: ${output}`);
      return output.includes('oauth2 listening');
    });
    return new OAuth2Server(child, `http://127.0.0.1:${port}`);
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  async tokenRequests(): Promise<number> {
    return ((await (await fetch(`${this.url}/stats`)).json()) as { tokenRequests: number }).tokenRequests;
  }

  /** Whether the server issued this access token and it is still live. */
  async isLive(token: string): Promise<boolean> {
    return ((await (await fetch(`${this.url}/check?token=${encodeURIComponent(token)}`)).json()) as { active: boolean }).active;
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await new Promise((resolve) => (this.child.exitCode !== null ? resolve(undefined) : this.child.once('exit', resolve)));
  }
}
