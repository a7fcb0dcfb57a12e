import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateIntegrationDto } from './create-integration.dto';

/** Step-one fields, all optional; a secret header sent back as "********" keeps its stored value. */
export class UpdateIntegrationDto extends PartialType(OmitType(CreateIntegrationDto, ['channel'] as const)) {}
