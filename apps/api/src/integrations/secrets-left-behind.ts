import { MASK } from '@sendgate/crypto';
import { EspIntegrationEntity } from '@sendgate/database';
import { FieldError } from '@sendgate/domain';
import { sameOrigin } from '@sendgate/esp';
import { UpdateIntegrationDto } from './dto/update-integration.dto';

const RESEND = 'send the secret again: it does not follow the integration to a new host';

/**
 * A PATCH that moves an integration to another origin (scheme, host, port) must bring every
 * secret along itself: otherwise whoever may edit the URL could have the stored secrets sent to a
 * host of their choosing. Dropping a secret header or the credentials is fine; keeping them
 * masked is not.
 */
export function secretsLeftBehind(current: EspIntegrationEntity, dto: UpdateIntegrationDto): FieldError[] {
  if (dto.url === undefined || sameOrigin(dto.url, current.url)) return [];
  const errors: FieldError[] = [];
  if (dto.headers === undefined && (current.headers ?? []).some((h) => h.secret)) {
    errors.push({ field: 'headers', message: `${RESEND} (send the headers with every secret value, or without the secret headers)` });
  }
  dto.headers?.forEach((header, i) => {
    if (header.secret && header.value === MASK) errors.push({ field: `headers[${i}].value`, message: RESEND });
  });
  if (dto.auth === undefined && (current.authType === 'basic' || current.authType === 'oauth2')) {
    errors.push({
      field: 'auth',
      message: `${RESEND} (send the authentication as for PUT /v1/integrations/:id/auth, or {"type": "none"})`,
    });
  }
  return errors;
}
