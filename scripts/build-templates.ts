/**
 * `npm run build`: checks every template and writes the bundle the Lambdas load. Any problem
 * fails the build, so a broken template never reaches production.
 */
import { relative } from 'node:path';
import { checkTemplateFolder, DEFAULT_BUNDLE_PATH, DEFAULT_TEMPLATES_DIR, writeBundle } from '../functions/template-compiler/index.js';
import { sourceName } from '../functions/core/render/parts.js';
import type { TemplateProblem } from '../functions/core/render/problems.js';

function line(problem: TemplateProblem): string {
  const where = [problem.template, problem.channel, problem.locale].filter((part) => part !== undefined).join('/');
  return `${where}: ${problem.part ? `${sourceName(problem.part)}: ` : ''}${problem.message}`;
}

const { bundle, problems, notes, folders } = await checkTemplateFolder(DEFAULT_TEMPLATES_DIR);
for (const note of notes) console.log(`note: ${line(note)}`);
if (problems.length > 0) {
  for (const problem of problems) console.error(line(problem));
  console.error(`${problems.length} template problem(s) in ${folders.length} template(s): no bundle written`);
  process.exit(1);
}
await writeBundle(DEFAULT_BUNDLE_PATH, bundle);
console.log(`${folders.length} templates → ${relative(process.cwd(), DEFAULT_BUNDLE_PATH)}`);
