export * from './sql';
export * from './entities';
export * from './migrations';
export * from './data-source';
export * from './database.module';
export * from './repositories/messages.repository';
export * from './repositories/contacts.repository';
export * from './repositories/gate.repository';
