import { Sql } from '../sql';

/** Whether the database answers, for the readiness check. */
export class DatabaseHealth {
  constructor(private readonly sql: Sql) {}

  async ping(): Promise<void> {
    await this.sql.one('SELECT 1');
  }
}
