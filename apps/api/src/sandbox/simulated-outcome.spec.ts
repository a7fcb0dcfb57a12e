import { simulatedOutcome } from './simulated-outcome';

describe('the sandbox outcome of a recipient', () => {
  const domain = 'simulator.sendgate.test';

  it.each([
    ['bounce@simulator.sendgate.test', 'bounce', 'Bounce', false],
    ['Bounce+7@Simulator.Sendgate.Test', 'bounce', 'Bounce', false],
    ['complaint@simulator.sendgate.test', 'bounce', 'Complaint', false],
    ['fail@simulator.sendgate.test', 'error', 'Error', false],
    ['delay@simulator.sendgate.test', 'delivered', null, true],
    ['ada@simulator.sendgate.test', 'delivered', null, false],
    ['bounce@example.com', 'delivered', null, false],
    [null, 'delivered', null, false],
  ])('%s is %s', (to, status, type, late) => {
    expect(simulatedOutcome(to, domain)).toMatchObject({ status, type, late });
  });
});
