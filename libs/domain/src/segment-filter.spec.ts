import { FilterDialect, compileSegmentFilter, validateSegmentFilter } from './segment-filter';

const dialect: FilterDialect = {
  attributeText: (col, path) => `TEXT(${col},${path})`,
  attributeNumber: (col, path) => `NUM(${col},${path})`,
  attributeExists: (col, path) => `HAS(${col},${path})`,
};

describe('validateSegmentFilter', () => {
  it('accepts nested groups of valid conditions', () => {
    expect(
      validateSegmentFilter({
        all: [
          { attribute: 'tier', op: 'eq', value: 'gold' },
          {
            any: [
              { attribute: 'score', op: 'gt', value: 5 },
              { attribute: 'email', op: 'exists' },
            ],
          },
        ],
      }),
    ).toEqual([]);
  });

  it('names the path of every problem', () => {
    const errors = validateSegmentFilter({
      all: [
        { attribute: 'ok', op: 'in', value: [] },
        { attribute: 'bad name', op: 'eq', value: 1 },
        { any: [{ attribute: 'x', op: 'exists', value: 1 }] },
        { attribute: 'y', op: 'gt', value: true },
      ],
    });
    expect(errors.map((e) => e.field)).toEqual([
      'filter.all[0].value',
      'filter.all[1].attribute',
      'filter.all[2].any[0].value',
      'filter.all[3].value',
    ]);
  });

  it.each([[null], ['all'], [{}], [{ all: [] }], [{ all: [], any: [] }], [{ none: [] }]])('refuses %j as a filter', (filter) => {
    expect(validateSegmentFilter(filter)).not.toEqual([]);
  });

  describe('when an attribute is named like a built-in property of every object', () => {
    it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])(
      'refuses %s, naming the field',
      (attribute) => {
        const errors = validateSegmentFilter({
          all: [
            { attribute: 'tier', op: 'eq', value: 'gold' },
            { attribute, op: 'eq', value: 'x' },
          ],
        });
        expect(errors).toEqual([{ field: 'filter.all[1].attribute', message: expect.stringContaining('reserved') }]);
      },
    );

    it('refuses it inside a nested group too', () => {
      const errors = validateSegmentFilter({ any: [{ all: [{ attribute: 'constructor', op: 'exists' }] }] });
      expect(errors.map((e) => e.field)).toEqual(['filter.any[0].all[0].attribute']);
    });
  });

  it('limits nesting depth', () => {
    let filter: unknown = { attribute: 'a', op: 'exists' };
    for (let i = 0; i < 7; i++) filter = { all: [filter] };
    expect(validateSegmentFilter(filter).some((e) => /nest/.test(e.message))).toBe(true);
  });
});

describe('compileSegmentFilter', () => {
  it('binds every value and reads columns directly', () => {
    const { sql, params } = compileSegmentFilter(
      {
        any: [
          { attribute: 'email', op: 'eq', value: 'a@b.c' },
          {
            all: [
              { attribute: 'score', op: 'gt', value: 10 },
              { attribute: 'tier', op: 'in', value: ['gold', 3] },
            ],
          },
        ],
      },
      dialect,
      'c',
    );
    expect(sql).toBe(
      '(c.email = ? OR (NUM(c.attributes,$.score) > ? AND (TEXT(c.attributes,$.tier) IN (?) OR NUM(c.attributes,$.tier) IN (?))))',
    );
    expect(params).toEqual(['a@b.c', 10, 'gold', 3]);
  });

  it('treats a missing attribute as different for neq', () => {
    const { sql } = compileSegmentFilter({ all: [{ attribute: 'tier', op: 'neq', value: 'gold' }] }, dialect);
    expect(sql).toBe('((TEXT(c.attributes,$.tier) IS NULL OR TEXT(c.attributes,$.tier) <> ?))');
  });

  it('reads only its own column names, never inherited ones', () => {
    const { sql } = compileSegmentFilter({ all: [{ attribute: 'constructor', op: 'exists' }] }, dialect);
    expect(sql).toBe('(HAS(c.attributes,$.constructor))');
  });

  it('compares booleans as text', () => {
    expect(compileSegmentFilter({ all: [{ attribute: 'vip', op: 'eq', value: true }] }, dialect).params).toEqual(['true']);
  });
});
