import { describe, expect, it } from 'vitest';
import { toCsv } from './export';

describe('toCsv', () => {
  it('writes a header and one row per record, quoting what needs quoting', () => {
    expect(toCsv([{ step: 9, cause: 'SVC', what: 'SVC 1, "hi"' }, { step: 12, cause: 'MEMORY', what: 'LD r1, [0x200]' }])).toBe(
      'step,cause,what\n9,SVC,"SVC 1, ""hi"""\n12,MEMORY,"LD r1, [0x200]"\n',
    );
  });
  it('writes nested values as JSON and nothing for an empty list', () => {
    expect(toCsv([{ level: 1, stats: { traps: 3 } }])).toBe('level,stats\n1,"{""traps"":3}"\n');
    expect(toCsv([])).toBe('');
  });
});
