import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/**
 * workflows/search-attributes.ts is the one source of the search attributes; the scripts read it
 * from the build, but docker-compose's admin-tools container has no Node, so its list is checked.
 */
describe('the search attributes registered by docker-compose.yml', () => {
  it('are exactly those the workflows define', () => {
    const compose = readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8');
    const listed = /for name in ([^;]+); do\s+temporal operator search-attribute create/.exec(compose)?.[1].trim().split(/\s+/);
    expect(listed).toEqual(SEARCH_ATTRIBUTES.map((a) => a.name));
  });
});
