/** A stack with a worker, a loopback ESP and an integrator endpoint registered as the gate. */
import { EspReceiver } from './esp-receiver';
import { StackOptions } from './harness';
import { SendingStack, expectStatus, startSendingStack } from './scenario';
import { waitFor } from './wait';

export interface GatedStack extends SendingStack {
  integrator: EspReceiver;
}

export async function startGatedStack(options: StackOptions & { worker?: boolean } = {}): Promise<GatedStack> {
  const sending = await startSendingStack(options);
  const integrator = await new EspReceiver().start();
  await expectStatus(sending.stack.request('PUT', '/v1/send-gate/endpoint', { transport: 'http', url: integrator.url }), 200);
  return {
    ...sending,
    integrator,
    stop: async () => {
      await sending.stop();
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
