import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsString, Length, MaxLength } from 'class-validator';
import { Channel } from '@sendgate/domain';

export class CreateIntegrationDto {
  @ApiProperty({ example: 'Sandbox ESP' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: Channel, example: Channel.EMAIL })
  @IsEnum(Channel)
  channel: Channel;

  @ApiProperty({ example: 'http://127.0.0.1:3000/sandbox/esp/messages' })
  @IsString()
  @Length(1, 2048)
  url: string;

  @ApiProperty({
    description: 'JSON with ${variable} placeholders: userIdentifier, email, phone, subject, html, text, sendoutId, messageId, idempotencyKey, contactId, externalId, contact.<attribute>, gate.<field>',
    example: '{"to":"${email}","subject":"${subject}","html":"${html}","text":"${text}"}',
  })
  @IsString()
  @MaxLength(100_000)
  payloadTemplate: string;
}
