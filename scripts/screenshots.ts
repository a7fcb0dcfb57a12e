/**
 * Regenerates the screenshots of the README's "Operating Sendgate": a Sendgate stack (the bench's:
 * API in this process, a worker, a fresh MariaDB database, a loopback ESP and integrator) on the
 * Temporal dev server at TEMPORAL_ADDRESS whose Web UI is at TEMPORAL_UI, a few sendouts, a journey
 * run and a campaign in the states the chapter shows, then Debian's chromium (CHROMIUM, default
 * /usr/bin/chromium) driven headless through the Web UI, one PNG per task into docs/screenshots/.
 * `scripts/screenshots.sh` starts the dev server and runs this.
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Page, chromium } from 'playwright-core';
import { BenchStack, prepareAudience, startBenchStack, startIntegrator } from '../bench/bench-stack';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, 'docs/screenshots');
const UI = process.env.TEMPORAL_UI ?? 'http://127.0.0.1:8233';
const NAMESPACE = 'default';
const VIEWPORT = { width: 1440, height: 900 };

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const integrator = await startIntegrator();
  const stack = await startBenchStack();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true });
  try {
    await stack.call('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url });
    const scene = await setUp(stack, integrator);
    const page = await browser.newPage({ viewport: VIEWPORT });
    await showNames(page);
    await gatedSendouts(page);
    await whyNotSent(page, scene.rejectedSendout);
    await journeyRun(page, scene.journeyRunWorkflowId);
    await cancelRun(page, scene.journeyRunWorkflowId);
    await pauseCampaign(page, scene.campaignScheduleId);
  } finally {
    await browser.close();
    await stack.stop();
    integrator.close();
  }
}

interface Scene {
  rejectedSendout: { id: string; workflowId: string };
  journeyRunWorkflowId: string;
  campaignScheduleId: string;
}

/** The states the chapter shows: sendouts at their gate, one with a contact rejected, a journey run waiting, a campaign. */
async function setUp(stack: BenchStack, integrator: Awaited<ReturnType<typeof startIntegrator>>): Promise<Scene> {
  const audience = await prepareAudience(stack, {
    name: 'Newsletters',
    cohort: 'screens',
    count: 20,
    payloadTemplate: '{"to":"${email}","subject":"${subject}"}',
  });
  const sendout = (name: string, extra: Record<string, unknown> = {}) =>
    stack.call('POST', '/v1/sendouts', {
      projectId: audience.projectId,
      name,
      journeyName: 'Spring sale',
      segmentId: audience.segmentId,
      integrationId: audience.integrationId,
      content: { subject: 'Spring sale' },
      ...extra,
    });
  const gate = { enabled: true, timeout: '1h', split: true };
  await sendout('Spring sale · reminder', { gate });
  await sendout('Spring sale · last chance', { gate });
  const rejected = await sendout('Spring sale · kick-off', { gate });
  const hook = await integrator.webhook(rejected.id);
  const items = (await (await fetch(hook.itemDownloadUri)).text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  await fetch(items[0].cancelUri, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'no consent' }),
  });
  await fetch(hook.finishUri, { method: 'POST' });
  await waitForValue('the rejected sendout to complete', async () =>
    (await stack.call('GET', `/v1/sendouts/${rejected.id}`)).stage === 'COMPLETED' ? true : undefined,
  );

  const journey = await stack.call('POST', '/v1/journeys', {
    projectId: audience.projectId,
    name: 'Welcome',
    entryStepId: 'welcome',
    steps: [
      { id: 'welcome', type: 'message', integrationId: audience.integrationId, content: { subject: 'Welcome' }, next: { sent: 'pause' } },
      { id: 'pause', type: 'wait', duration: '2d', next: 'tips' },
      { id: 'tips', type: 'message', integrationId: audience.integrationId, content: { subject: 'Tips' } },
    ],
  });
  const run = await stack.call('POST', `/v1/journeys/${journey.id}/runs`, { segmentId: audience.segmentId });
  await waitForValue('the journey run to wait', async () => {
    const view = await stack.call('GET', `/v1/journeys/${journey.id}/runs/${run.run}`);
    return view.steps.find((s: { id: string }) => s.id === 'pause').status === 'waiting' ? true : undefined;
  });

  const campaign = await stack.call('POST', '/v1/campaigns', {
    projectId: audience.projectId,
    name: 'Weekly digest',
    segmentId: audience.segmentId,
    steps: [{ id: 'digest', integrationId: audience.integrationId, content: { subject: 'Digest' }, schedule: { cron: '0 9 * * 1' } }],
  });
  await stack.call('POST', `/v1/campaigns/${campaign.id}/steps/digest/trigger`);
  const campaignScheduleId = `campaign-${campaign.id}-step-digest`;
  return { rejectedSendout: rejected, journeyRunWorkflowId: run.workflowId, campaignScheduleId };
}

/**
 * The workflow list shows ids; its column settings (the gear under the table, kept by the browser)
 * add Sendgate's search attributes, so every row reads with its names and stage.
 */
async function showNames(page: Page): Promise<void> {
  await page.goto(`${UI}/namespaces/${NAMESPACE}/workflows`);
  // What adding and ordering the columns in that drawer stores (this Web UI version's key).
  const columns = ['Status', 'SendoutName', 'JourneyName', 'SendoutStage', 'GateState', 'ProjectName', 'Workflow ID', 'Start'];
  await page.evaluate(
    ({ namespace, labels }) =>
      (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem(
        'namespace-workflow-table-columns',
        JSON.stringify({ [namespace]: labels.map((label) => ({ label })) }),
      ),
    { namespace: NAMESPACE, labels: columns },
  );
  await page.reload();
  await settle(page);
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  await settle(page);
  await shoot(page, 'workflow-columns');
  await page.getByTestId('drawer-close-button').click();
}

/** Every sendout waiting at its gate: the workflow list filtered on the GateState search attribute. */
async function gatedSendouts(page: Page): Promise<void> {
  await page.goto(`${UI}/namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent('GateState="OPEN"')}`);
  await page
    .getByText('Spring sale · reminder')
    .first()
    .waitFor()
    .catch(() => undefined);
  await settle(page);
  await shoot(page, 'gated-sendouts');
}

/** Why a contact was not sent: the sendout's `progress` query (its paths) beside its history. */
async function whyNotSent(page: Page, sendout: { workflowId: string }): Promise<void> {
  await page.goto(`${UI}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(sendout.workflowId)}`);
  await settle(page);
  const queries = page.getByRole('tab', { name: /Queries/i }).or(page.getByRole('link', { name: /Queries/i }));
  if (await queries.count()) {
    await queries.first().click();
    await settle(page);
    await page.getByRole('button', { name: 'Run Query' }).click();
    await settle(page);
    await shoot(page, 'sendout-progress-query');
  }
}

/** A journey run and its child sendouts. */
async function journeyRun(page: Page, workflowId: string): Promise<void> {
  await page.goto(`${UI}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`);
  await settle(page);
  const relationships = page.getByRole('tab', { name: /Relationships/i }).or(page.getByRole('link', { name: /Relationships/i }));
  if (await relationships.count()) {
    await relationships.first().click();
    await settle(page);
    await shoot(page, 'journey-run-children');
  }
}

/** Cancelling a run from the Web UI: the request-cancellation dialog, then the cancelled run. */
async function cancelRun(page: Page, workflowId: string): Promise<void> {
  await page.goto(`${UI}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`);
  await settle(page);
  const cancel = page.getByRole('button', { name: /Request Cancellation|Cancel/i });
  if (!(await cancel.count())) return;
  await cancel.first().click();
  await settle(page);
  await shoot(page, 'journey-run-cancel');
  const confirm = page.getByRole('dialog').getByRole('button', { name: /Confirm|Yes|Request Cancellation/i });
  if (await confirm.count()) {
    await confirm.first().click();
    await page.waitForTimeout(3_000);
    await page.reload();
    await settle(page);
    await shoot(page, 'journey-run-cancelled');
  }
}

/** Pausing a campaign step's schedule from the Web UI. */
async function pauseCampaign(page: Page, scheduleId: string): Promise<void> {
  await page.goto(`${UI}/namespaces/${NAMESPACE}/schedules/${encodeURIComponent(scheduleId)}`);
  await settle(page);
  const pause = page.getByRole('button', { name: /Pause/i });
  if (!(await pause.count())) return;
  await pause.first().click();
  await settle(page);
  await shoot(page, 'campaign-schedule-pause');
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(1_000);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

async function waitForValue<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
