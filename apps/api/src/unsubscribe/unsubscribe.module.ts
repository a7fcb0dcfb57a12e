import { Module } from '@nestjs/common';
import { UnsubscribeController } from './unsubscribe.controller';

/** The public unsubscribe link of every message (its token signed by UnsubscribeLinks). */
@Module({ controllers: [UnsubscribeController] })
export class UnsubscribeModule {}
