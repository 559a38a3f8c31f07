import { describe, expect, it } from 'vitest';
import { scoreOf, summaryMarkdown, type MutantOutcome } from './score.ts';

const at = (status: string, line = 1): MutantOutcome => ({
  status,
  mutatorName: 'EqualityOperator',
  location: { start: { line, column: 5 } },
  replacement: 'a > b',
});
const module = { name: 'x', module: 'core/x.ts', tests: ['core/x.test.ts'] };

describe('mutation score', () => {
  it('counts mutants no test reaches against the score, and errors not at all', () => {
    const s = scoreOf(
      module,
      [
        ...Array.from({ length: 6 }, () => at('Killed')),
        at('Timeout'),
        at('Survived', 12),
        at('NoCoverage', 30),
        at('NoCoverage', 31),
        at('CompileError'),
        at('RuntimeError'),
        at('Ignored'),
      ],
      42.4,
    );
    // 7 caught of 10 counted (6 killed + 1 timeout; 1 survivor, 2 unreached): 70 %.
    expect(s.score).toBe(70);
    expect([s.killed, s.timedOut, s.survived, s.noCoverage, s.errors]).toEqual([6, 1, 1, 2, 2]);
    expect(s.seconds).toBe(42);
    expect(s.undetected).toEqual([
      '12:5 EqualityOperator → a > b',
      '30:5 EqualityOperator (no test reaches it) → a > b',
      '31:5 EqualityOperator (no test reaches it) → a > b',
    ]);
  });

  it('marks a module under the bar in the summary', () => {
    const under = scoreOf(module, [at('Killed'), at('Survived')], 1);
    const md = summaryMarkdown([under], 90);
    expect(md).toContain('| core/x.ts | 50.0 % **under** | 1 | 0 | 1 | 0 | 1 |');
    expect(md).toContain('## core/x.ts: not caught');
    const over = scoreOf(module, [at('Killed'), at('Killed')], 1);
    expect(summaryMarkdown([over], 90)).toContain('| core/x.ts | 100.0 % | 2 |');
  });
});
