import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';
import { IsText } from '../../common/field-validators';
import { OneOf } from '../../common/one-of';

const FORM_FIELD = /^[A-Za-z0-9_.-]{1,64}$/;
const FORM_FIELD_MESSAGE = 'must be a form field name (letters, digits, _ . -)';

/**
 * An integration's authentication as PUT /v1/integrations/:id/auth (or PATCH's `auth`) takes it.
 * Secrets are never "********" here: credentials are sent whole or not at all.
 */
@OneOf('type', () => ({ none: NoneAuthDto, basic: BasicAuthDto, oauth2: OAuth2AuthDto }))
export class IntegrationAuthDto {
  type: string;
}

export class NoneAuthDto extends IntegrationAuthDto {
  @ApiProperty({ enum: ['none'] })
  type: 'none';
}

export class BasicAuthDto extends IntegrationAuthDto {
  @ApiProperty({ enum: ['basic'] })
  type: 'basic';

  @ApiProperty({ example: 'acme', minLength: 1, maxLength: 200 })
  @IsText(1, 200)
  username: string;

  @ApiProperty({ example: 'secret', minLength: 1, maxLength: 500 })
  @IsText(1, 500)
  password: string;
}

/** OAuth2 client credentials; checked against the token endpoint before anything is stored. */
export class OAuth2AuthDto extends IntegrationAuthDto {
  @ApiProperty({ enum: ['oauth2'] })
  type: 'oauth2';

  @ApiProperty({ example: 'https://auth.example.com/oauth/token', maxLength: 2048 })
  @IsText(1, 2048)
  tokenUrl: string;

  @ApiProperty({ example: 'sendgate', maxLength: 500 })
  @IsText(1, 500)
  clientId: string;

  @ApiProperty({ example: 'secret', maxLength: 2000 })
  @IsText(1, 2000)
  clientSecret: string;

  @ApiPropertyOptional({ default: 'client_id', description: 'The form field the token endpoint reads the client id from' })
  @IsOptional()
  @Matches(FORM_FIELD, { message: FORM_FIELD_MESSAGE })
  clientIdKey?: string;

  @ApiPropertyOptional({ default: 'client_secret' })
  @IsOptional()
  @Matches(FORM_FIELD, { message: FORM_FIELD_MESSAGE })
  clientSecretKey?: string;

  @ApiPropertyOptional({ example: 'send', maxLength: 1000 })
  @ValidateIf((o: OAuth2AuthDto) => o.scope !== undefined)
  @IsText(1, 1000)
  scope?: string;

  @ApiPropertyOptional({ enum: ['body', 'header'], default: 'body', description: 'Credentials in the form body, or as HTTP Basic' })
  @IsOptional()
  @IsIn(['body', 'header'], { message: 'must be "body" or "header"' })
  credentialsIn?: 'body' | 'header';
}

export type IntegrationAuth = NoneAuthDto | BasicAuthDto | OAuth2AuthDto;
