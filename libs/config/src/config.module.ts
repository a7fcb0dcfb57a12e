import { DynamicModule, Global, Module } from '@nestjs/common';
import { loadConfig, SendgateConfig } from './config';

/** Injection token for the validated configuration object. */
export const SENDGATE_CONFIG = Symbol('SENDGATE_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Provides the given configuration, or the one read from the environment. */
  static forRoot(config?: SendgateConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: SENDGATE_CONFIG, useFactory: (): SendgateConfig => config ?? loadConfig() }],
      exports: [SENDGATE_CONFIG],
    };
  }
}
