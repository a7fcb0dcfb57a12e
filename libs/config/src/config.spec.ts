import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite database and a local Temporal', () => {
    const sut = loadConfig({});
    expect(sut.database).toEqual({ type: 'sqlite', path: 'data/sendgate.sqlite' });
    expect(sut.temporal.address).toBe('127.0.0.1:7233');
    expect(sut.api.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(sut.outbound.allowPrivateNetworks).toBe(false);
    expect(sut.sandbox).toEqual({
      enabled: false,
      retentionHours: 24,
      simulatorDomain: 'simulator.sendgate.test',
      callbackDelayMs: 1_000,
      lateCallbackDelayMs: 30_000,
      callbackPollMs: 1_000,
    });
    expect(sut.api).toMatchObject({ espEventsApplyIntervalMs: 5_000, espEventsUnmatchedAfterMs: 3_600_000 });
  });

  it('reads the previous signing keys of a rotation, newest first, and refuses short ones or too many', () => {
    const [a, b] = ['a'.repeat(32), 'b'.repeat(40)];
    expect(loadConfig({}).security.previousSigningKeys).toEqual([]);
    expect(loadConfig({ SENDGATE_SIGNING_KEYS_PREVIOUS: ` ${a} , ${b} ` }).security.previousSigningKeys).toEqual([a, b]);
    expect(() => loadConfig({ SENDGATE_SIGNING_KEYS_PREVIOUS: `${a},short` })).toThrow(/SENDGATE_SIGNING_KEYS_PREVIOUS/);
    expect(() => loadConfig({ SENDGATE_SIGNING_KEYS_PREVIOUS: Array(5).fill(a).join(',') })).toThrow(/at most 4/);
  });

  it('batches gate rejects with no wait, up to 500 of them, two batches committing at once, unless told otherwise', () => {
    expect(loadConfig({}).api.gateDecisionBatch).toEqual({ windowMs: 0, maxSize: 500, concurrency: 2 });
    expect(
      loadConfig({
        SENDGATE_GATE_DECISION_BATCH_MS: '5',
        SENDGATE_GATE_DECISION_BATCH_MAX: '1',
        SENDGATE_GATE_DECISION_BATCH_CONCURRENCY: '8',
      }).api.gateDecisionBatch,
    ).toEqual({ windowMs: 5, maxSize: 1, concurrency: 8 });
    expect(() => loadConfig({ SENDGATE_GATE_DECISION_BATCH_MAX: '0' })).toThrow(/SENDGATE_GATE_DECISION_BATCH_MAX/);
    expect(() => loadConfig({ SENDGATE_GATE_DECISION_BATCH_CONCURRENCY: '0' })).toThrow(/SENDGATE_GATE_DECISION_BATCH_CONCURRENCY/);
  });

  it('runs 16 workflow starts after the answer with 1,000 waiting, and can leave them all to the reconciler', () => {
    expect(loadConfig({}).api.workflowStarts).toEqual({ concurrency: 16, queued: 1_000 });
    expect(loadConfig({ SENDGATE_WORKFLOW_START_CONCURRENCY: '0', SENDGATE_WORKFLOW_START_QUEUE: '0' }).api.workflowStarts).toEqual({
      concurrency: 0,
      queued: 0,
    });
    expect(() => loadConfig({ SENDGATE_WORKFLOW_START_CONCURRENCY: '257' })).toThrow(/SENDGATE_WORKFLOW_START_CONCURRENCY/);
  });

  it('serves worker metrics on 127.0.0.1:9464 unless told otherwise, 0 for none', () => {
    expect(loadConfig({}).worker.metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ SENDGATE_WORKER_METRICS_PORT: '0', SENDGATE_WORKER_METRICS_HOST: '0.0.0.0' }).worker.metrics).toEqual({
      host: '0.0.0.0',
      port: 0,
    });
    expect(() => loadConfig({ SENDGATE_WORKER_METRICS_PORT: '65536' })).toThrow(/SENDGATE_WORKER_METRICS_PORT/);
  });

  it('logs JSON at info unless told otherwise, and names a bad level or format', () => {
    expect(loadConfig({}).log).toEqual({ level: 'info', format: 'json' });
    expect(loadConfig({ SENDGATE_LOG_LEVEL: 'DEBUG', SENDGATE_LOG_FORMAT: 'pretty' }).log).toEqual({ level: 'debug', format: 'pretty' });
    expect(() => loadConfig({ SENDGATE_LOG_LEVEL: 'verbose' })).toThrow(
      /SENDGATE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)/,
    );
    expect(() => loadConfig({ SENDGATE_LOG_FORMAT: 'text' })).toThrow(/SENDGATE_LOG_FORMAT must be one of json, pretty/);
  });

  it('mounts the sandbox ESP only when SENDGATE_SANDBOX_ESP is true', () => {
    expect(loadConfig({ SENDGATE_SANDBOX_ESP: 'true', SENDGATE_SANDBOX_RETENTION_HOURS: '2' }).sandbox).toMatchObject({
      enabled: true,
      retentionHours: 2,
    });
  });

  it('uses MySQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/sendgate' }).database).toMatchObject({
      type: 'mysql',
      url: 'mysql://u:p@db:3306/sendgate',
    });
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'postgres://x',
        SENDGATE_ALLOW_PRIVATE_NETWORKS: 'maybe',
        SENDGATE_SANDBOX_RETENTION_HOURS: '0',
      });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).problems.join('\n');
      expect(text).toMatch(/PORT/);
      expect(text).toMatch(/DATABASE_URL/);
      expect(text).toMatch(/SENDGATE_ALLOW_PRIVATE_NETWORKS/);
      expect(text).toMatch(/SENDGATE_SANDBOX_RETENTION_HOURS/);
    }
  });

  it('refuses a heartbeat timeout no longer than one outbound request', () => {
    expect(() => loadConfig({ SENDOUT_HEARTBEAT_TIMEOUT_MS: '10000', SENDGATE_OUTBOUND_TIMEOUT_MS: '10000' })).toThrow(
      /SENDOUT_HEARTBEAT_TIMEOUT_MS \(10000\) must be longer than SENDGATE_OUTBOUND_TIMEOUT_MS/,
    );
    expect(loadConfig({ SENDOUT_HEARTBEAT_TIMEOUT_MS: '3000', SENDGATE_OUTBOUND_TIMEOUT_MS: '2000' }).sendout.heartbeatTimeoutMs).toBe(
      3000,
    );
  });

  describe('feedback', () => {
    it('has defaults for the dispatcher', () => {
      expect(loadConfig({}).feedback).toEqual({
        receiverConcurrency: 16,
        concurrency: 128,
        batchSize: 500,
        leaseMs: 60_000,
        backoffInitialMs: 1_000,
        backoffMaxMs: 600_000,
        retryWindowHours: 24,
        pollIdleMs: 1_000,
        dispatcherRunMs: 300_000,
      });
    });

    it('reads each setting', () => {
      const sut = loadConfig({
        SENDGATE_FEEDBACK_RECEIVER_CONCURRENCY: '4',
        SENDGATE_FEEDBACK_BATCH_SIZE: '50',
        SENDGATE_FEEDBACK_BACKOFF_MAX_MS: '2000',
        SENDGATE_FEEDBACK_RETRY_WINDOW_HOURS: '48',
      }).feedback;
      expect(sut).toMatchObject({ receiverConcurrency: 4, batchSize: 50, backoffMaxMs: 2_000, retryWindowHours: 48 });
    });

    it('refuses a lease no longer than two outbound requests', () => {
      expect(() => loadConfig({ SENDGATE_FEEDBACK_LEASE_MS: '20000', SENDGATE_OUTBOUND_TIMEOUT_MS: '10000' })).toThrow(
        /SENDGATE_FEEDBACK_LEASE_MS \(20000\) must be longer than twice SENDGATE_OUTBOUND_TIMEOUT_MS/,
      );
    });
  });

  describe('SENDGATE_DNS_SERVERS', () => {
    it('is unset by default: the system resolver', () => {
      expect(loadConfig({}).outbound.dnsServers).toBeUndefined();
    });

    it('reads IPv4 and IPv6 servers with optional ports', () => {
      expect(loadConfig({ SENDGATE_DNS_SERVERS: '127.0.0.1:5353, 10.0.0.2,[fd00::53]:53,::1' }).outbound.dnsServers).toEqual([
        '127.0.0.1:5353',
        '10.0.0.2',
        '[fd00::53]:53',
        '::1',
      ]);
    });

    it.each(['dns.example.com', '127.0.0.1:99999', '1.2.3:53', ','])('refuses %s', (value) => {
      expect(() => loadConfig({ SENDGATE_DNS_SERVERS: value })).toThrow(/SENDGATE_DNS_SERVERS/);
    });
  });
});
