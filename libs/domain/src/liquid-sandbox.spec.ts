import { existsSync } from 'node:fs';
import { htmlEngine, textEngine } from './liquid-sandbox';

describe('the content engines', () => {
  describe.each([
    ['html', htmlEngine],
    ['text', textEngine],
  ])('%s', (_name, sut) => {
    it('read no file, even one that exists next to the process', () => {
      expect(existsSync('package.json')).toBe(true);
      expect(() => sut.parseFileSync('package.json')).toThrow();
      expect(() => sut.renderFileSync('package.json', {})).toThrow();
    });
  });
});
