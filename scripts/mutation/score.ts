// Scores one module's Stryker results the way the bar is defined: killed and timed-out mutants
// are caught; survivors and mutants no test reaches are not. Compile and runtime errors and
// ignored mutants are not counted either way.
import type { MutationModule } from './modules.ts';

export interface MutantOutcome {
  status: string;
  mutatorName: string;
  location: { start: { line: number; column: number } };
  replacement?: string | undefined;
}

export interface ModuleScore {
  name: string;
  module: string;
  score: number;
  killed: number;
  timedOut: number;
  survived: number;
  noCoverage: number;
  errors: number;
  seconds: number;
  /** The mutants that got through, as "line:column mutator → replacement". */
  undetected: string[];
}

export function scoreOf(
  m: MutationModule,
  results: readonly MutantOutcome[],
  seconds: number,
): ModuleScore {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const killed = count('Killed');
  const timedOut = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const errors = count('CompileError') + count('RuntimeError');
  const valid = killed + timedOut + survived + noCoverage;
  const undetected = results
    .filter((r) => r.status === 'Survived' || r.status === 'NoCoverage')
    .map(
      (r) =>
        `${r.location.start.line}:${r.location.start.column} ${r.mutatorName}` +
        (r.status === 'NoCoverage' ? ' (no test reaches it)' : '') +
        (r.replacement === undefined
          ? ''
          : ` → ${r.replacement.replace(/\s+/g, ' ').slice(0, 60)}`),
    );
  return {
    name: m.name,
    module: m.module,
    // An empty module scores 100: nothing to catch.
    score: valid === 0 ? 100 : (100 * (killed + timedOut)) / valid,
    killed,
    timedOut,
    survived,
    noCoverage,
    errors,
    seconds: Math.round(seconds),
    undetected,
  };
}

export function summaryMarkdown(scores: readonly ModuleScore[], bar: number): string {
  const lines = [
    `# Mutation scores (bar: ${bar} % per module; mutants no test reaches count against)`,
    '',
    '| module | score | killed | timed out | survived | no coverage | seconds |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...scores.map(
      (s) =>
        `| ${s.module} | ${s.score.toFixed(1)} %${s.score < bar ? ' **under**' : ''} | ${s.killed} | ${s.timedOut} | ${s.survived} | ${s.noCoverage} | ${s.seconds} |`,
    ),
    '',
  ];
  for (const s of scores.filter((x) => x.undetected.length > 0)) {
    lines.push(`## ${s.module}: not caught`, '', ...s.undetected.map((u) => `- ${u}`), '');
  }
  return lines.join('\n');
}
