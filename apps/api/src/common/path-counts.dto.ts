import { ApiPropertyOptional } from '@nestjs/swagger';

/** Contacts per path of a sendout: the gate's three when it had a gate, else `sent`; and the excluded beside them. */
export class PathCountsDto {
  @ApiPropertyOptional({ description: 'Gate enabled: passed the gate (and everything after, a failed send included)' })
  accepted?: number;

  @ApiPropertyOptional({ description: 'Gate enabled: rejected by the integrator' })
  rejected?: number;

  @ApiPropertyOptional({ description: 'Gate enabled: unanswered when the gate timed out' })
  timedOut?: number;

  @ApiPropertyOptional({ description: 'No gate: taken by the ESP (SENT, DELIVERED or BOUNCED)' })
  sent?: number;

  @ApiPropertyOptional({
    description: 'Excluded at generation: no address of the kind the integration sends to (EXCLUDED); on no path, they leave the flow',
  })
  excluded?: number;
}
