import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columnKit } from './column-kit';

/**
 * When a sendout's workflow start was confirmed. A sendout still CREATED without it (the API
 * stopped between storing it and starting its workflow) is started by the API's reconciler.
 */
export class SendoutWorkflowStarted1764400000000 implements MigrationInterface {
  name = 'SendoutWorkflowStarted1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = columnKit(runner);
    await runner.addColumn('sendouts', new TableColumn(c.timestamp('workflow_started_at', true)));
    // Every sendout past CREATED has a workflow; those still CREATED are left for the reconciler to check.
    await runner.query("UPDATE sendouts SET workflow_started_at = created_at WHERE stage <> 'CREATED'");
    await runner.createIndex('sendouts', new TableIndex({ name: 'ix_sendouts_stage_created', columnNames: ['stage', 'created_at'] }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('sendouts', 'ix_sendouts_stage_created');
    await runner.dropColumn('sendouts', 'workflow_started_at');
  }
}
