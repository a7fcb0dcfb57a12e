import { NotFoundException } from '@nestjs/common';

export function notFound(what: string, id: string, field?: string): NotFoundException {
  return new NotFoundException({
    statusCode: 404,
    error: 'Not Found',
    message: `${what} ${JSON.stringify(id)} does not exist`,
    ...(field ? { field } : {}),
  });
}
