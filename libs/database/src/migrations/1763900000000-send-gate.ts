import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/** The send gate: endpoints per account, project actions, a gate per sendout, integrator data. */
export class SendGate1763900000000 implements MigrationInterface {
  name = 'SendGate1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);

    await runner.addColumn('projects', new TableColumn(c.longText('gate_actions', true)));
    await runner.addColumns('sendouts', [
      new TableColumn({ ...c.varchar('mode', 16), default: "'journey'" }),
      new TableColumn(c.varchar('journey_name', 200, true)),
      new TableColumn(c.bool('gate_enabled')),
      new TableColumn(c.bigint('gate_timeout_ms', true)),
      new TableColumn(c.bool('gate_split')),
      new TableColumn(c.longText('gate_actions', true)),
      new TableColumn(c.timestamp('send_at', true)),
    ]);

    await runner.createTable(
      new Table({
        name: 'send_gate_endpoints',
        columns: [
          { ...c.varchar('account_id', 36), isPrimary: true },
          c.varchar('transport', 8),
          c.longText('settings'),
          c.longText('secrets', true),
          c.createdAt(),
          c.updatedAt(),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'sendout_gates',
        columns: [
          { ...c.varchar('sendout_id', 36), isPrimary: true },
          c.varchar('state', 16),
          c.timestamp('opened_at'),
          c.timestamp('expires_at'),
          c.timestamp('decided_at', true),
          c.varchar('decided_by', 16, true),
          c.int('notify_attempts'),
          c.timestamp('notified_at', true),
          c.longText('last_notify_error', true),
        ],
      }),
    );

    // What the integrator attached to contacts (promo codes, labels); templates read it as gate.*
    await runner.createTable(
      new Table({
        name: 'gate_data',
        columns: [
          { ...c.varchar('sendout_id', 36), isPrimary: true },
          { ...c.varchar('external_id', 191), isPrimary: true },
          c.longText('data'),
          c.updatedAt(),
        ],
      }),
    );

    await runner.createTable(
      new Table({
        name: 'gate_deliveries',
        columns: [
          c.serialKey('id'),
          c.varchar('sendout_id', 36),
          c.int('attempt'),
          c.varchar('transport', 8),
          { name: 'status', type: 'int', isNullable: true },
          c.varchar('outcome', 16),
          c.longText('detail', true),
          c.createdAt(),
        ],
        indices: [new TableIndex({ name: 'ix_gate_deliveries_sendout', columnNames: ['sendout_id', 'id'] })],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['gate_deliveries', 'gate_data', 'sendout_gates', 'send_gate_endpoints']) await runner.dropTable(table);
    for (const column of ['send_at', 'gate_actions', 'gate_split', 'gate_timeout_ms', 'gate_enabled', 'journey_name', 'mode']) {
      await runner.dropColumn('sendouts', column);
    }
    await runner.dropColumn('projects', 'gate_actions');
  }
}
