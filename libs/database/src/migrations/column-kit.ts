import { QueryRunner, TableColumnOptions } from 'typeorm';

/** Column shapes that differ between MySQL and SQLite, in one place for every migration. */
export function columnKit(runner: QueryRunner) {
  const type = runner.connection.driver.options.type;
  const mysql = type === 'mysql' || type === 'mariadb';
  const timestampDefault = mysql ? 'CURRENT_TIMESTAMP(3)' : "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
  return {
    mysql,
    uuidKey: (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true }),
    // SQLite only auto-increments an INTEGER PRIMARY KEY (which is 64-bit there).
    serialKey: (name: string): TableColumnOptions => ({
      name,
      type: mysql ? 'bigint' : 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
    bigint: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
    int: (name: string, defaultValue = 0): TableColumnOptions => ({ name, type: 'int', default: defaultValue }),
    bool: (name: string, defaultValue = false): TableColumnOptions => ({ name, type: 'boolean', default: defaultValue ? 1 : 0 }),
    varchar: (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    }),
    longText: (name: string, nullable = false): TableColumnOptions => ({ name, type: mysql ? 'longtext' : 'text', isNullable: nullable }),
    timestamp: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: 'datetime',
      precision: mysql ? 3 : undefined,
      isNullable: nullable,
    }),
    createdAt: (): TableColumnOptions => ({
      name: 'created_at',
      type: 'datetime',
      precision: mysql ? 3 : undefined,
      default: timestampDefault,
    }),
    updatedAt: (): TableColumnOptions => ({
      name: 'updated_at',
      type: 'datetime',
      precision: mysql ? 3 : undefined,
      default: timestampDefault,
    }),
  };
}
