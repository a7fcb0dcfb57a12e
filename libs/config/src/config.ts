/**
 * Sendgate configuration: read from the environment once at start-up, validated, and handed
 * around as a typed object. Nothing else in the code base reads process.env.
 */
import { isIP } from 'node:net';

export type DatabaseConfig = { type: 'mysql'; url: string; poolSize: number } | { type: 'sqlite'; path: string };

export interface SendgateConfig {
  database: DatabaseConfig;
  temporal: { address: string; namespace: string; taskQueue: string };
  api: {
    host: string;
    port: number;
    publicBaseUrl: string;
    bootstrapApiKey?: string;
    /** A sendout still CREATED this long without a confirmed workflow start gets its workflow started. */
    unstartedSendoutAfterMs: number;
    /**
     * Workflow starts of email API sends, run after the answer: so many at a time, so many more
     * waiting; beyond that (or with concurrency 0) the reconciler above starts them.
     */
    workflowStarts: { concurrency: number; queued: number };
    /** ESP callback events waiting for their message (not SENT yet) are applied this often. */
    espEventsApplyIntervalMs: number;
    /** A callback event that matches no message this long after it came is marked UNMATCHED. */
    espEventsUnmatchedAfterMs: number;
    /**
     * Gate rejects that arrive together commit in one transaction, up to `maxSize` of them: those of
     * `windowMs` after the first, and those that came while `concurrency` batches were committing.
     */
    gateDecisionBatch: { windowMs: number; maxSize: number; concurrency: number };
  };
  outbound: OutboundConfig;
  log: LogConfig;
  /** The built-in sandbox ESP: off unless asked for; what it keeps is purged after `retentionHours`. */
  sandbox: SandboxConfig;
  security: SecurityConfig;
  sendout: SendoutTuning;
  feedback: FeedbackConfig;
  /** The Infobip-compatible email API. */
  email: EmailApiConfig;
  worker: {
    maxConcurrentActivities: number;
    workflowBundlePath?: string;
    shutdownGraceMs: number;
    /** Where the worker serves Prometheus `/metrics`; port 0 serves none. */
    metrics: { host: string; port: number };
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** Each listed key costs a forged token one more HMAC: a rotation needs one or two. */
const MAX_PREVIOUS_SIGNING_KEYS = 4;

/** What each process logs: lines at `level` and above, one JSON object a line, or readable for a terminal. */
export interface LogConfig {
  level: LogLevelName;
  format: LogFormat;
}

/** The built-in sandbox ESP and its simulated delivery callbacks. */
export interface SandboxConfig {
  enabled: boolean;
  retentionHours: number;
  /** Recipients at this domain decide the outcome: bounce@, complaint@, fail@, delay@; anything else is delivered. */
  simulatorDomain: string;
  /** How long after accepting a message its delivery callback is due. */
  callbackDelayMs: number;
  /** The same for delay@ (delivered late). */
  lateCallbackDelayMs: number;
  /** How often due callbacks are posted. */
  callbackPollMs: number;
}

export interface OutboundConfig {
  allowPrivateNetworks: boolean;
  requestTimeoutMs: number;
  /** `host:port` of the DNS servers outbound names are resolved through; unset: the system resolver. */
  dnsServers?: string[];
}

export interface SecurityConfig {
  /** HMAC key of the signed gate URIs; API and workers must share it. */
  signingKey?: string;
  /** Keys `signingKey` replaced, newest first: what they signed still verifies; they sign nothing. */
  previousSigningKeys: string[];
  /** AES-256 keys for secrets at rest, by id; `activeEncryptionKeyId` seals new values. */
  encryptionKeys: Record<string, Buffer>;
  activeEncryptionKeyId?: string;
  /** How long after a gate's deadline its URIs still answer (409 with the gate's state) before 410. */
  gateUriGraceMs: number;
}

/** Knobs passed to every sendout workflow as input (workflows never read the environment). */
export interface SendoutTuning {
  generatePageSize: number;
  sendPageSize: number;
  sendWindow: number;
  sendConcurrency: number;
  heartbeatTimeoutMs: number;
  /** History length at which a sending workflow continues as new (Temporal's hard limit is 51,200). */
  continueAsNewAfterEvents: number;
  /** How often a workflow waiting at its gate re-reads the decision, in case a wake-up signal was lost. */
  gateRereadMs: number;
}

/** The feedback dispatcher: how it claims, posts and retries the outbox of feedback deliveries. */
export interface FeedbackConfig {
  /** Requests in flight to one receiver, and in all, per dispatcher. */
  receiverConcurrency: number;
  concurrency: number;
  /** Deliveries claimed at a time. */
  batchSize: number;
  /** How long a claim holds its rows: a dispatcher that dies gives them up after this. */
  leaseMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** After this long a delivery that still fails is DEAD (an operator may redeliver it). */
  retryWindowHours: number;
  /** The longest sleep of an idle dispatcher between two looks at the outbox. */
  pollIdleMs: number;
  /** How long one run of the dispatcher activity lasts before the workflow starts the next. */
  dispatcherRunMs: number;
}

export interface EmailApiConfig {
  /** How long the logs show a request's recipients (and what is kept of them before the purge). */
  logRetentionHours: number;
  /** How often the email log purge Schedule runs. */
  logPurgeEveryMinutes: number;
  /** One request's attachments and inline images together, in bytes. */
  maxAttachmentBytes: number;
  /** Attachments go to this directory (shared by API and workers) instead of the database. */
  attachmentsDir?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): SendgateConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const databaseUrl = read.string('DATABASE_URL');
  let database: DatabaseConfig;
  if (databaseUrl) {
    if (!/^mysql:\/\//.test(databaseUrl))
      problems.push('DATABASE_URL must start with mysql:// (leave it unset for the embedded SQLite database)');
    database = { type: 'mysql', url: databaseUrl, poolSize: read.int('DATABASE_POOL_SIZE', 20, 1, 500) };
  } else {
    database = { type: 'sqlite', path: read.string('SQLITE_PATH') ?? 'data/sendgate.sqlite' };
  }

  const port = read.int('PORT', 3000, 0, 65535);
  const host = read.string('HOST') ?? '127.0.0.1';
  const publicBaseUrl = (read.string('PUBLIC_BASE_URL') ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(publicBaseUrl)) problems.push('PUBLIC_BASE_URL must be an http(s) URL');

  const config: SendgateConfig = {
    database,
    temporal: {
      address: read.string('TEMPORAL_ADDRESS') ?? '127.0.0.1:7233',
      namespace: read.string('TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: read.string('TEMPORAL_TASK_QUEUE') ?? 'sendgate',
    },
    api: {
      host,
      port,
      publicBaseUrl,
      bootstrapApiKey: read.string('SENDGATE_BOOTSTRAP_API_KEY'),
      unstartedSendoutAfterMs: read.int('SENDGATE_UNSTARTED_SENDOUT_AFTER_MS', 60_000, 1_000, 3_600_000),
      workflowStarts: {
        concurrency: read.int('SENDGATE_WORKFLOW_START_CONCURRENCY', 16, 0, 256),
        queued: read.int('SENDGATE_WORKFLOW_START_QUEUE', 1_000, 0, 100_000),
      },
      espEventsApplyIntervalMs: read.int('SENDGATE_ESP_EVENTS_APPLY_INTERVAL_MS', 5_000, 100, 3_600_000),
      espEventsUnmatchedAfterMs: read.int('SENDGATE_ESP_EVENTS_UNMATCHED_AFTER_MS', 3_600_000, 1_000, 30 * 24 * 3_600_000),
      gateDecisionBatch: {
        windowMs: read.int('SENDGATE_GATE_DECISION_BATCH_MS', 0, 0, 1_000),
        maxSize: read.int('SENDGATE_GATE_DECISION_BATCH_MAX', 500, 1, 1_000),
        concurrency: read.int('SENDGATE_GATE_DECISION_BATCH_CONCURRENCY', 2, 1, 16),
      },
    },
    outbound: {
      allowPrivateNetworks: read.bool('SENDGATE_ALLOW_PRIVATE_NETWORKS', false),
      requestTimeoutMs: read.int('SENDGATE_OUTBOUND_TIMEOUT_MS', 15_000, 100, 300_000),
      dnsServers: readDnsServers(read.string('SENDGATE_DNS_SERVERS'), problems),
    },
    log: {
      level: read.oneOf('SENDGATE_LOG_LEVEL', LOG_LEVELS, 'info'),
      format: read.oneOf('SENDGATE_LOG_FORMAT', LOG_FORMATS, 'json'),
    },
    sandbox: {
      enabled: read.bool('SENDGATE_SANDBOX_ESP', false),
      retentionHours: read.int('SENDGATE_SANDBOX_RETENTION_HOURS', 24, 1, 24 * 365),
      simulatorDomain: (read.string('SENDGATE_SANDBOX_SIMULATOR_DOMAIN') ?? 'simulator.sendgate.test').toLowerCase(),
      callbackDelayMs: read.int('SENDGATE_SANDBOX_CALLBACK_DELAY_MS', 1_000, 0, 3_600_000),
      lateCallbackDelayMs: read.int('SENDGATE_SANDBOX_LATE_CALLBACK_DELAY_MS', 30_000, 0, 24 * 3_600_000),
      callbackPollMs: read.int('SENDGATE_SANDBOX_CALLBACK_POLL_MS', 1_000, 100, 3_600_000),
    },
    security: readSecurity(read, problems),
    sendout: {
      generatePageSize: read.int('SENDOUT_GENERATE_PAGE_SIZE', 5_000, 1, 100_000),
      sendPageSize: read.int('SENDOUT_SEND_PAGE_SIZE', 2_000, 1, 10_000),
      sendWindow: read.int('SENDOUT_SEND_WINDOW', 4, 1, 64),
      sendConcurrency: read.int('SENDOUT_SEND_CONCURRENCY', 32, 1, 1_000),
      heartbeatTimeoutMs: read.int('SENDOUT_HEARTBEAT_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
      continueAsNewAfterEvents: read.int('SENDOUT_CONTINUE_AS_NEW_AFTER_EVENTS', 5_000, 100, 40_000),
      gateRereadMs: read.int('SENDOUT_GATE_REREAD_MS', 60_000, 1_000, 60_000),
    },
    feedback: {
      receiverConcurrency: read.int('SENDGATE_FEEDBACK_RECEIVER_CONCURRENCY', 16, 1, 1_000),
      concurrency: read.int('SENDGATE_FEEDBACK_CONCURRENCY', 128, 1, 10_000),
      batchSize: read.int('SENDGATE_FEEDBACK_BATCH_SIZE', 500, 1, 5_000),
      leaseMs: read.int('SENDGATE_FEEDBACK_LEASE_MS', 60_000, 1_000, 3_600_000),
      backoffInitialMs: read.int('SENDGATE_FEEDBACK_BACKOFF_INITIAL_MS', 1_000, 10, 3_600_000),
      backoffMaxMs: read.int('SENDGATE_FEEDBACK_BACKOFF_MAX_MS', 600_000, 10, 24 * 3_600_000),
      retryWindowHours: read.int('SENDGATE_FEEDBACK_RETRY_WINDOW_HOURS', 24, 1, 24 * 30),
      pollIdleMs: read.int('SENDGATE_FEEDBACK_POLL_IDLE_MS', 1_000, 10, 60_000),
      dispatcherRunMs: read.int('SENDGATE_FEEDBACK_DISPATCHER_RUN_MS', 300_000, 1_000, 3_600_000),
    },
    email: {
      logRetentionHours: read.int('SENDGATE_EMAIL_LOG_RETENTION_HOURS', 48, 1, 24 * 365),
      logPurgeEveryMinutes: read.int('SENDGATE_EMAIL_LOG_PURGE_EVERY_MINUTES', 60, 1, 24 * 60),
      // one request's attachments and inline images together (the request body may be this plus 1 MB of fields)
      maxAttachmentBytes: read.int('SENDGATE_EMAIL_MAX_ATTACHMENT_BYTES', 20 * 1024 * 1024, 1, 100 * 1024 * 1024),
      attachmentsDir: read.string('SENDGATE_EMAIL_ATTACHMENTS_DIR'),
    },
    worker: {
      maxConcurrentActivities: read.int('WORKER_MAX_CONCURRENT_ACTIVITIES', 16, 1, 1_000),
      workflowBundlePath: read.string('WORKFLOW_BUNDLE_PATH'),
      shutdownGraceMs: read.int('WORKER_SHUTDOWN_GRACE_MS', 30_000, 0, 600_000),
      metrics: {
        host: read.string('SENDGATE_WORKER_METRICS_HOST') ?? '127.0.0.1',
        port: read.int('SENDGATE_WORKER_METRICS_PORT', 9464, 0, 65535),
      },
    },
  };
  // A page attempt must outlive any one of its requests, or Temporal could start a second attempt
  // of the page while the first is still posting.
  if (config.sendout.heartbeatTimeoutMs <= config.outbound.requestTimeoutMs) {
    problems.push(
      `SENDOUT_HEARTBEAT_TIMEOUT_MS (${config.sendout.heartbeatTimeoutMs}) must be longer than ` +
        `SENDGATE_OUTBOUND_TIMEOUT_MS (${config.outbound.requestTimeoutMs})`,
    );
  }
  // A lease must outlive the requests made under it, or a second dispatcher could post the same event meanwhile.
  if (config.feedback.leaseMs <= 2 * config.outbound.requestTimeoutMs) {
    problems.push(
      `SENDGATE_FEEDBACK_LEASE_MS (${config.feedback.leaseMs}) must be longer than twice ` +
        `SENDGATE_OUTBOUND_TIMEOUT_MS (${config.outbound.requestTimeoutMs})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `1.2.3.4`, `1.2.3.4:53`, `::1` or `[::1]:53`, comma-separated: what node:dns Resolver#setServers takes. */
function readDnsServers(raw: string | undefined, problems: string[]): string[] | undefined {
  if (raw === undefined) return undefined;
  const servers = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const valid = (server: string) => {
    const match = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(server) ?? /^([\d.]+)(?::(\d{1,5}))?$/.exec(server);
    const [host, port] = match ? [match[1], match[2]] : [server, undefined];
    return isIP(host) !== 0 && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
  };
  if (servers.length === 0 || !servers.every(valid)) {
    problems.push(
      'SENDGATE_DNS_SERVERS must be a comma-separated list of IP addresses with optional ports, ' +
        `such as 10.0.0.2:53,[fd00::53]:53 (got "${raw}")`,
    );
    return undefined;
  }
  return servers;
}

function readSecurity(read: EnvReader, problems: string[]): SecurityConfig {
  const signingKey = read.string('SENDGATE_SIGNING_KEY');
  if (signingKey !== undefined && signingKey.length < 32) problems.push('SENDGATE_SIGNING_KEY must be at least 32 characters');
  const previousSigningKeys = (read.string('SENDGATE_SIGNING_KEYS_PREVIOUS') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (previousSigningKeys.some((k) => k.length < 32))
    problems.push('SENDGATE_SIGNING_KEYS_PREVIOUS must be a comma-separated list of keys of at least 32 characters each');
  if (previousSigningKeys.length > MAX_PREVIOUS_SIGNING_KEYS)
    problems.push(`SENDGATE_SIGNING_KEYS_PREVIOUS lists ${previousSigningKeys.length} keys: at most ${MAX_PREVIOUS_SIGNING_KEYS}`);
  const encryptionKeys: Record<string, Buffer> = {};
  for (const entry of (read.string('SENDGATE_ENCRYPTION_KEYS') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [id, material] = entry.split(':');
    const key = material ? Buffer.from(material, 'base64') : Buffer.alloc(0);
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      problems.push('SENDGATE_ENCRYPTION_KEYS must be a comma-separated list of <id>:<base64 of 32 random bytes>');
      continue;
    }
    encryptionKeys[id] = key;
  }
  const activeEncryptionKeyId = read.string('SENDGATE_ENCRYPTION_KEY_ID') ?? Object.keys(encryptionKeys)[0];
  if (activeEncryptionKeyId !== undefined && !(activeEncryptionKeyId in encryptionKeys)) {
    problems.push(`SENDGATE_ENCRYPTION_KEY_ID "${activeEncryptionKeyId}" is not among SENDGATE_ENCRYPTION_KEYS`);
  }
  return {
    signingKey,
    previousSigningKeys,
    encryptionKeys,
    activeEncryptionKeyId,
    gateUriGraceMs: read.int('SENDGATE_GATE_URI_GRACE_MS', 24 * 3_600_000, 0, 30 * 24 * 3_600_000),
  };
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    return fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }
}
