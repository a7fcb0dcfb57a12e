import { ApiProperty } from '@nestjs/swagger';

export class ContactViewDto {
  @ApiProperty({ example: 'crm-42' })
  externalId: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email: string | null;

  @ApiProperty({ type: String, nullable: true, example: '+447700900123' })
  phone: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { firstName: 'Ada', tier: 'gold' } })
  attributes: Record<string, unknown>;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

export class ContactsReceivedDto {
  @ApiProperty({ example: 2_000, description: 'Contacts created or updated' })
  received: number;
}
