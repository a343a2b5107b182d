import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/** The boundary rules need no types: without them a snippet for a file that does not exist lints too, and the whole tree in seconds. */
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });

/** The boundary rules' findings only: the snippets below leave imports unused on purpose. */
async function crossings(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const importOf = (specifier: string) => `import { x } from '${specifier}';\nexport const y = x;`;

describe('the import boundaries between layers', () => {
  const forbidden: [string, string, string][] = [
    ['the core importing an adapter', 'functions/core/example.ts', '../adapters/system-clock.js'],
    ['a nested core file importing an adapter', 'functions/core/render/example.ts', '../../adapters/system-clock.js'],
    ['the core importing a package outside its list', 'functions/core/example.ts', 'node:crypto'],
    ['the definitions importing the core', 'functions/definitions/example.ts', '../core/model.js'],
    ['an adapter importing a Lambda folder', 'functions/adapters/example.ts', '../orchestrator/composition.js'],
    ['an in-memory adapter importing local mode', 'functions/adapters/memory/example.ts', '../../local/system.js'],
    ['one Lambda importing another', 'functions/inbox-api/example.ts', '../feedback/normalize.js'],
    ['a Lambda importing the tooling', 'functions/unsubscribe/example.ts', '../tooling/loopback-http.js'],
    ['the CLI importing local mode', 'functions/cli/commands/example.ts', '../../local/system.js'],
    ['the CLI importing a Lambda handler', 'functions/cli/commands/example.ts', '../../profile-api/handler.js'],
    ['local mode importing the CLI', 'functions/local/example.ts', '../cli/io.js'],
    ['the template preview importing local mode', 'functions/template-preview/example.ts', '../local/system.js'],
    ['the tooling importing local mode', 'functions/tooling/example.ts', '../local/system.js'],
    ['a Lambda importing a test helper', 'functions/orchestrator/example.ts', '../../test/support/sdk-calls.js'],
    ['the stack importing a Lambda folder', 'lib/constructs/example.ts', '../../functions/preferences/routes.js'],
    ['the stack importing an adapter', 'lib/example.ts', '../functions/adapters/system-clock.js'],
    ['the stack importing the core', 'lib/example.ts', '../functions/core/request.js'],
    ['an example reaching past the typed client', 'examples/example.ts', '../functions/core/request.js'],
    ['the typed client importing a Lambda', 'functions/client/example.ts', '../ingest/routes.js'],
    ['bench importing a test helper', 'bench/example.ts', '../test/support/sdk-calls.js'],
  ];

  it.each(forbidden)('reports %s', async (_name, filePath, specifier) => {
    expect(await crossings(importOf(specifier), filePath)).toHaveLength(1);
  });

  it('reports a type-only import across a boundary', async () => {
    const code = "import type { LocalConfig } from '../../local/system.js';\nexport type C = LocalConfig;";
    expect(await crossings(code, 'functions/cli/commands/example.ts')).toHaveLength(1);
  });

  it('reports a re-export across a boundary', async () => {
    expect(await crossings("export { handler } from '../feedback/handler.js';", 'functions/unsubscribe/example.ts')).toHaveLength(1);
  });

  it('reports a dynamic import across a boundary, and not one local mode may make', async () => {
    const code = (specifier: string) => `export const load = () => import('${specifier}');`;
    expect(await crossings(code('../local/system.js'), 'functions/cli/example.ts')).toHaveLength(1);
    expect(await crossings(code('../feedback/handler.js'), 'functions/local/example.ts')).toEqual([]);
  });

  it('checks files nested deep in a layer, and refuses any import from deeper than the rules reach', async () => {
    expect(await crossings(importOf('../../../../../adapters/system-clock.js'), 'functions/core/a/b/c/d/example.ts')).toHaveLength(1);
    expect(await crossings(importOf('../../../../model.js'), 'functions/core/a/b/c/d/example.ts')).toEqual([]);
    expect(await crossings(importOf('./sibling.js'), 'functions/core/a/b/c/d/e/example.ts')).toHaveLength(1);
  });

  it('names the layer and where its rules are explained', async () => {
    const [message] = await crossings(importOf('../../local/system.js'), 'functions/cli/commands/example.ts');
    expect(message).toContain('functions/cli may import only');
    expect(message).toContain('docs/architecture.md');
  });

  const allowed: [string, string, string][] = [
    ['the core importing the core', 'functions/core/example.ts', './model.js'],
    ['a nested core file importing the core', 'functions/core/render/example.ts', '../model.js'],
    ['the core importing zod', 'functions/core/example.ts', 'zod'],
    ['an adapter importing the core', 'functions/adapters/example.ts', '../core/ports.js'],
    ['an in-memory adapter importing an adapter', 'functions/adapters/memory/example.ts', '../system-clock.js'],
    ['an adapter importing the definitions', 'functions/adapters/example.ts', '../definitions/tables.js'],
    ['a Lambda importing an adapter', 'functions/history-api/example.ts', '../adapters/dynamo-delivery-log.js'],
    ['a Lambda importing the shared HTTP helpers', 'functions/profile-api/example.ts', '../http/responses.js'],
    ['a Lambda importing the shared composition', 'functions/inbox-api/example.ts', '../composition/feedback.js'],
    ['the CLI importing the tooling', 'functions/cli/commands/example.ts', '../../tooling/local-config.js'],
    ['the CLI running the profile routes', 'functions/cli/commands/example.ts', '../../profile-api/routes.js'],
    ['local mode importing a Lambda', 'functions/local/example.ts', '../orchestrator/composition.js'],
    ['local mode importing the tooling', 'functions/local/outbox/example.ts', '../../tooling/loopback-http.js'],
    ['the template preview importing the compiler', 'functions/template-preview/example.ts', '../template-compiler/check.js'],
    ['the stack importing the definitions', 'lib/constructs/example.ts', '../../functions/definitions/tables.js'],
    ['the typed client queuing through the SQS adapter', 'functions/client/example.ts', '../adapters/sqs-request-batch.js'],
    ['an example using the typed client', 'examples/example.ts', '../functions/client/index.js'],
    ['chaos importing local mode', 'chaos/example.ts', '../functions/local/system.js'],
  ];

  it.each(allowed)('allows %s', async (_name, filePath, specifier) => {
    expect(await crossings(importOf(specifier), filePath)).toEqual([]);
  });

  it('constrains every folder under functions/', async () => {
    const folders = readdirSync('functions', { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.length).toBeGreaterThan(10);
    const unconstrained: string[] = [];
    for (const folder of folders) {
      const found = await crossings(importOf('../../test/support/sdk-calls.js'), `functions/${folder}/example.ts`);
      if (found.length === 0) unconstrained.push(folder);
    }
    expect(unconstrained).toEqual([]);
  });

  // Linting every source folder takes several seconds on a busy machine.
  it('finds no crossing in the repository as it stands', { timeout: 120_000 }, async () => {
    const results = await eslint.lintFiles(['functions', 'lib', 'bin', 'scripts', 'bench', 'chaos', 'examples']);
    const found = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  });
});
