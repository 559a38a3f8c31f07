// Redraws the golden label images after a deliberate template change:
//   npx node drivers/label/golden/update.ts
// Look at the new PNGs before committing them: the golden test trusts them.
import fs from 'node:fs';
import path from 'node:path';
import { renderZpl } from '../preview.ts';
import { goldenLabels, SIZE } from '../testing.ts';
import { labelZpl } from '../zpl.ts';

for (const [name, label] of Object.entries(goldenLabels)) {
  const file = path.join(import.meta.dirname, `${name}.png`);
  fs.writeFileSync(file, await renderZpl(labelZpl(label, SIZE), SIZE));
  process.stdout.write(`wrote ${file}\n`);
}
