import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/** The purity rules need no types: without them a snippet for a file that does not exist lints too, and quickly. */
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('the purity rule for functions/core', () => {
  const impure: [string, string, string][] = [
    ['an AWS SDK import', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const c = DynamoDBClient;", 'no-restricted-imports'],
    ['a CDK import', "import { Stack } from 'aws-cdk-lib';\nexport const s = Stack;", 'no-restricted-imports'],
    ['Lambda types', "import type { SQSEvent } from 'aws-lambda';\nexport type E = SQSEvent;", 'no-restricted-imports'],
    ['the environment', 'export const table = process.env.TABLE;', 'no-restricted-properties'],
    ['the clock via Date.now()', 'export const t = Date.now();', 'no-restricted-properties'],
    ['the clock via new Date()', 'export const t = new Date();', 'no-restricted-syntax'],
  ];

  it.each(impure)('rejects %s', async (_name, code, rule) => {
    expect(await ruleIdsFor(code, 'functions/core/example.ts')).toContain(rule);
  });

  it('allows the same code outside the core', async () => {
    const code = "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const c = [DynamoDBClient, process.env.TABLE, Date.now()];";
    expect(await ruleIdsFor(code, 'functions/adapters/example.ts')).toEqual([]);
  });

  it('allows a date built from a value inside the core', async () => {
    expect(await ruleIdsFor("export const d = new Date('2026-11-24T00:00:00Z');", 'functions/core/example.ts')).toEqual([]);
  });

  it('finds no violation in the core as committed', async () => {
    const results = await eslint.lintFiles(['functions/core/**/*.ts']);
    const violations = results.flatMap((r) => r.messages.filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(violations).toEqual([]);
  });
});
