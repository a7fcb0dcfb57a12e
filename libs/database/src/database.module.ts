import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SENDGATE_CONFIG, SendgateConfig } from '@sendgate/config';
import { openDataSource } from './data-source';
import { ApiKeysRepository } from './repositories/api-keys.repository';
import { ContactsRepository } from './repositories/contacts.repository';
import { GateRepository } from './repositories/gate.repository';
import { MessagesRepository } from './repositories/messages.repository';
import { SandboxMessagesRepository } from './repositories/sandbox-messages.repository';
import { Sql } from './sql';

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [SENDGATE_CONFIG],
      useFactory: (config: SendgateConfig) => openDataSource(config.database),
    },
    { provide: Sql, inject: [DataSource], useFactory: (ds: DataSource) => new Sql(ds) },
    { provide: MessagesRepository, inject: [Sql], useFactory: (sql: Sql) => new MessagesRepository(sql) },
    { provide: ContactsRepository, inject: [Sql], useFactory: (sql: Sql) => new ContactsRepository(sql) },
    { provide: GateRepository, inject: [Sql], useFactory: (sql: Sql) => new GateRepository(sql) },
    { provide: ApiKeysRepository, inject: [DataSource], useFactory: (ds: DataSource) => new ApiKeysRepository(ds) },
    { provide: SandboxMessagesRepository, inject: [Sql], useFactory: (sql: Sql) => new SandboxMessagesRepository(sql) },
  ],
  exports: [DataSource, Sql, MessagesRepository, ContactsRepository, GateRepository, ApiKeysRepository, SandboxMessagesRepository],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
