import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { MASK } from '@sendgate/crypto';
import { IsText } from '../../common/field-validators';
import { OneOf } from '../../common/one-of';

export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/**
 * How a receiver knows a feedback request is ours: not at all, or a JWT in `Authorization: Bearer`
 * (iat, exp, jti = the event's requestId or an array's batch id, body_sha256 = hex SHA-256 of the body). On PATCH, a
 * secret or private key sent as "********" keeps the stored one while the URL keeps its origin.
 */
@OneOf('type', () => ({ none: NoneFeedbackAuthDto, jwt: JwtFeedbackAuthDto }))
export class FeedbackWebhookAuthDto {
  type: string;
}

export class NoneFeedbackAuthDto extends FeedbackWebhookAuthDto {
  @ApiProperty({ enum: ['none'] })
  type: 'none';
}

export class JwtFeedbackAuthDto extends FeedbackWebhookAuthDto {
  @ApiProperty({ enum: ['jwt'] })
  type: 'jwt';

  @ApiProperty({ enum: JWT_ALGORITHMS, description: 'HS256 signs with `secret`; RS256 and ES256 with `privateKey`' })
  @IsIn(JWT_ALGORITHMS, { message: `must be one of ${JWT_ALGORITHMS.join(', ')}` })
  algorithm: JwtAlgorithm;

  @ApiPropertyOptional({ description: 'HS256: the shared secret, at least 32 characters', minLength: 32, maxLength: 4096 })
  @ValidateIf((o: JwtFeedbackAuthDto) => o.secret !== undefined || o.algorithm === 'HS256')
  @IsSecretOrMask(32, 4_096)
  secret?: string;

  @ApiPropertyOptional({ description: 'RS256 (RSA) or ES256 (P-256): the PKCS#8 PEM private key', maxLength: 16_384 })
  @ValidateIf((o: JwtFeedbackAuthDto) => o.privateKey !== undefined || o.algorithm === 'RS256' || o.algorithm === 'ES256')
  @IsText(1, 16_384)
  privateKey?: string;

  @ApiPropertyOptional({ description: 'The `iss` claim', example: 'sendgate', maxLength: 200 })
  @IsOptional()
  @IsText(1, 200)
  issuer?: string;

  @ApiPropertyOptional({ description: 'The `aud` claim', example: 'https://crm.example.com', maxLength: 200 })
  @IsOptional()
  @IsText(1, 200)
  audience?: string;

  @ApiPropertyOptional({ description: 'Lifetime of each token (exp - iat)', default: 300, minimum: 1, maximum: 86_400 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  expiresInSeconds?: number;
}

/** A secret of `min` to `max` characters, or the mask (PATCH: keep the stored one), which is shorter. */
function IsSecretOrMask(min: number, max: number): PropertyDecorator {
  return ValidateBy({
    name: 'isSecretOrMask',
    validator: {
      validate: (value) => value === MASK || (typeof value === 'string' && value.length >= min && value.length <= max),
      defaultMessage: () => `must be a string of ${min} to ${max} characters (or "${MASK}" to keep the stored one)`,
    },
  });
}

export type FeedbackWebhookAuth = NoneFeedbackAuthDto | JwtFeedbackAuthDto;
