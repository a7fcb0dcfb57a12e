/** A stack with a worker, a loopback ESP and an integrator endpoint registered as the gate. */
import { EspReceiver } from './esp-receiver';
import { StackOptions, TestStack } from './harness';
import { expectStatus } from './scenario';
import { waitFor } from './wait';

export interface GatedStack {
  stack: TestStack;
  esp: EspReceiver;
  integrator: EspReceiver;
  stop: () => Promise<void>;
}

export async function startGatedStack(options: StackOptions & { worker?: boolean } = {}): Promise<GatedStack> {
  const esp = await new EspReceiver().start();
  const integrator = await new EspReceiver().start();
  const stack = await TestStack.start({ database: 'mysql', ...options });
  if (options.worker !== false) await stack.startWorker();
  await expectStatus(stack.request('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url }), 200);
  return {
    stack, esp, integrator,
    stop: async () => {
      await stack.stop();
      await esp.stop();
      await integrator.stop();
    },
  };
}

/** The gate webhook the integrator received for a sendout. */
export async function webhookFor(integrator: EspReceiver, sendoutId: string): Promise<any> {
  let found: any;
  await waitFor(`the gate webhook of ${sendoutId}`, 30_000, () => {
    found = integrator.requests.map((r) => JSON.parse(r.body)).find((body) => body.sendoutId === sendoutId);
    return found !== undefined;
  });
  return found;
}
