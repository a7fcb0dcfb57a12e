import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { METRICS_CONTENT_TYPE, metrics } from '@sendgate/metrics';
import { Public } from '../auth/auth.guard';

/** Prometheus scrapes here, without an API key like /health: bind the API or firewall it accordingly. */
@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', METRICS_CONTENT_TYPE)
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: "The process's sendgate_* metrics in Prometheus' text format 0.0.4", schema: { type: 'string' } })
  scrape(): Promise<string> {
    return metrics.text();
  }
}
