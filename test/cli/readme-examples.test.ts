import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleProblems, type LocalTemplates, localTemplates } from '../../functions/cli/commands/send-checks.js';
import { parseConsentInput } from '../../functions/core/profile/consent-input.js';
import { parseProfileInput } from '../../functions/core/profile/profile-input.js';
import { parseSendRequest } from '../../functions/core/request.js';
import type { TopicRegistry } from '../../functions/core/topics.js';
import { demoCustomers } from '../../functions/local/seed/seed.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder, writeBundle } from '../../functions/template-compiler/index.js';
import { runCli } from '../support/run-cli.js';

/**
 * The README's `npx switchboard` examples, as a reader copies them on any day: those that need
 * no running system are run; those that do must name customers local mode seeds (or that an
 * earlier example creates), and what they send must pass the checks `send` makes.
 */
interface Example {
  argv: string[];
  /** The here-document fed to standard input, with `$(date …)` and `$id` as bash would expand them. */
  stdin?: string;
}

const NOW = new Date();
const ID = `try-${Math.floor(NOW.getTime() / 1000)}`;

function expand(text: string): string {
  return text
    .replace(/\$\(date -u \+%Y-%m-%dT%H:%M:%SZ\)/g, NOW.toISOString().replace(/\.\d+Z$/, 'Z'))
    .replace(/\$\(date \+%s\)/g, String(Math.floor(NOW.getTime() / 1000)))
    .replace(/\$id\b/g, ID);
}

/** Words as bash splits them: quotes kept together, a `#` comment dropped. */
function words(line: string): string[] {
  const found: string[] = [];
  for (const [, double, single, bare] of line.matchAll(/"([^"]*)"|'([^']*)'|(#.*|[^\s"']+)/g)) {
    if (bare?.startsWith('#')) break;
    found.push(expand(double ?? single ?? bare ?? ''));
  }
  return found;
}

function examples(readme: string): Example[] {
  const found: Example[] = [];
  for (const [, block = ''] of readme.matchAll(/```bash\n([\s\S]*?)```/g)) {
    const lines = block.replace(/\\\n\s*/g, ' ').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (!line.startsWith('npx switchboard')) continue;
      const heredoc = /<<'?(\w+)'?/.exec(line);
      const argv = words(line.replace(/<<'?\w+'?/, '')).slice(2);
      if (!heredoc) {
        found.push({ argv });
        continue;
      }
      const end = lines.indexOf(heredoc[1] as string, i + 1);
      found.push({ argv, stdin: expand(lines.slice(i + 1, end).join('\n')) });
      i = end;
    }
  }
  return found;
}

const seeded = new Set(demoCustomers(NOW).map((customer) => customer.customer.customerId));
let templates: LocalTemplates;

beforeAll(async () => {
  const { bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR);
  const path = join(mkdtempSync(join(tmpdir(), 'readme-examples-')), 'templates.bundle.json');
  await writeBundle(path, bundle);
  templates = localTemplates(path) as LocalTemplates;
});

describe('the README’s switchboard examples', () => {
  const all = examples(readFileSync('README.md', 'utf8'));

  it('are found, and name only commands that exist', async () => {
    expect(all.length).toBeGreaterThan(10);
    for (const { argv } of all) {
      const help = await runCli([...argv.slice(0, 1), '--help']);
      expect(help.code, argv.join(' ')).toBe(0);
    }
  });

  it('run as written where no system is needed', async () => {
    const standalone = all.filter(({ argv }) => argv[0] === 'dry-run' || argv[0] === '--help' || (argv[0] === 'templates' && argv[1] === 'check'));
    expect(standalone.length).toBeGreaterThan(3);
    for (const { argv } of standalone) {
      const { code, err } = await runCli(argv);
      expect({ argv, code, err }).toEqual({ argv, code: 0, err: '' });
    }
  });

  it('name customers local mode has, send requests that pass every check, and valid profile and consent bodies', () => {
    const created = new Set<string>();
    for (const { argv, stdin } of all.filter(({ argv }) => ['send', 'status', 'history', 'customers'].includes(argv[0] ?? ''))) {
      const [command, sub] = argv;
      if (command === 'send') {
        const parsed = parseSendRequest(JSON.parse(stdin ?? 'null'));
        if (!parsed.ok) throw new Error(`README send example: ${JSON.stringify(parsed.problems)}`);
        expect(bundleProblems(templates, parsed.request)).toEqual({ template: [], messageClass: [] });
        expect(seeded).toContain(parsed.request.customerId);
        expect(parsed.request.requestId).toBe(ID);
        continue;
      }
      if (command === 'status') {
        expect(argv[1]).toBe(ID);
        continue;
      }
      const customerId = command === 'history' ? argv[1] : argv[2];
      if (sub === 'put') {
        expect(parseProfileInput(JSON.parse(stdin ?? 'null'), customerId as string)).toMatchObject({ ok: true });
        created.add(customerId as string);
      }
      if (sub === 'consent' && stdin) expect(parseConsentInput(JSON.parse(stdin), templates.registry as TopicRegistry, NOW)).toMatchObject({ ok: true });
      expect(seeded.has(customerId as string) || created.has(customerId as string), `${argv.join(' ')}: no such customer in local mode`).toBe(true);
    }
  });
});
