// The README's verification recipe is the code the sink runs (and the tests prove), verbatim.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => fs.readFileSync(new URL(p, import.meta.url), 'utf8');

describe('the README’s webhook verification recipe', () => {
  it('is the sink’s verify.ts, word for word', () => {
    const readme = read('../../README.md');
    const block =
      /<!-- verify-recipe:start -->\s*```ts\n([\s\S]*?)```\s*<!-- verify-recipe:end -->/.exec(
        readme,
      )?.[1];
    const source = read('./verify.ts');
    expect(block).toBeDefined();
    expect(block).toBe(source.slice(source.indexOf('import { createHmac')));
  });
});
