/**
 * `npm run bench [-- --quick] [--out <file>] [--profile]`: core cost, the pipeline on the
 * emulators, cost per million messages, cold start and the concurrency projection. Prints a
 * table; writes the same figures as JSON (bench/results.json unless --out says otherwise).
 * `--profile` writes a CPU profile of the pipeline process (open it in Chrome DevTools).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench, SIZES } from './harness.js';
import { consoleProgress } from './progress.js';
import { formatReport } from './report.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, profile: { type: 'boolean', default: false } } });
const mode = values.quick ? 'quick' : 'full';
const out = resolve(values.out ?? fileURLToPath(new URL('./results.json', import.meta.url)));
const cpuProfileDir = values.profile ? join(tmpdir(), `switchboard-bench-profile-${Date.now()}`) : undefined;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const results = await runBench({ mode, sizes: SIZES[mode], progress: consoleProgress(), ...(cpuProfileDir ? { cpuProfileDir } : {}) });
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`, 'utf8');
process.stdout.write(`\n${formatReport(results)}\nFigures written to ${out}\n${cpuProfileDir ? `CPU profile of the pipeline in ${cpuProfileDir}\n` : ''}`);
