import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnKit } from './column-kit';

/** The ESP integration's three-step setup: headers (some sealed), identifier type, auth, message id path. */
export class EspIntegrationSetup1764000000000 implements MigrationInterface {
  name = 'EspIntegrationSetup1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.addColumns('esp_integrations', [
      new TableColumn({ ...c.varchar('identifier_type', 16), default: "'email'" }),
      new TableColumn(c.longText('headers', true)),
      new TableColumn(c.varchar('message_id_path', 200, true)),
      new TableColumn({ ...c.varchar('auth_type', 16), default: "'none'" }),
      new TableColumn(c.longText('auth_settings', true)),
      new TableColumn(c.longText('auth_secrets', true)),
      new TableColumn({ name: 'rate_limit_per_second', type: 'int', isNullable: true }),
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const column of [
      'rate_limit_per_second',
      'auth_secrets',
      'auth_settings',
      'auth_type',
      'message_id_path',
      'headers',
      'identifier_type',
    ]) {
      await runner.dropColumn('esp_integrations', column);
    }
  }
}
