// @ts-check
import { posix } from 'node:path';
import tseslint from 'typescript-eslint';

const CORE = 'functions/core';
const DEFINITIONS = 'functions/definitions';
const ADAPTERS = 'functions/adapters';
const HTTP = 'functions/http';
const COMPOSITION = 'functions/composition';
const TEMPLATE_COMPILER = 'functions/template-compiler';
const TEMPLATE_PREVIEW = 'functions/template-preview';
const TOOLING = 'functions/tooling';
const SIMULATE = 'functions/simulate';
/** Reading CloudWatch Logs subscription payloads, shared by the functions a subscription invokes. */
const LOGS_PAYLOAD = 'functions/logs-payload';
/** One folder per deployed function: its handler, composition and configuration. */
const LAMBDAS = [
  'orchestrator',
  'feedback',
  'history-api',
  'inbox-api',
  'preferences',
  'profile-api',
  'unsubscribe',
  'event-publisher',
  'ingest',
  'priors-refresh',
  'sms-status-fanout',
].map((name) => `functions/${name}`);

/**
 * Who may import whom (docs/architecture.md explains each layer). A folder always imports its own
 * files; beyond them, only what `may` lists: a folder, or a single file when the entry ends in
 * `.ts`. `packages`, when given, is the only npm packages and Node built-ins the folder may use.
 */
const LAYERS = [
  { folder: CORE, may: [], packages: ['zod', 'liquidjs', 'html-to-text', 'pure-rand'] },
  { folder: DEFINITIONS, may: [], packages: [] },
  { folder: ADAPTERS, may: [CORE, DEFINITIONS] },
  { folder: HTTP, may: [CORE, DEFINITIONS] },
  { folder: COMPOSITION, may: [CORE, DEFINITIONS, ADAPTERS] },
  { folder: LOGS_PAYLOAD, may: [CORE], packages: ['node:zlib'] },
  ...LAMBDAS.map((folder) => ({ folder, may: [CORE, DEFINITIONS, ADAPTERS, HTTP, COMPOSITION, LOGS_PAYLOAD] })),
  { folder: TEMPLATE_COMPILER, may: [CORE, DEFINITIONS] },
  { folder: TOOLING, may: [CORE, DEFINITIONS] },
  { folder: TEMPLATE_PREVIEW, may: [CORE, DEFINITIONS, HTTP, TEMPLATE_COMPILER, TOOLING] },
  { folder: SIMULATE, may: [CORE, HTTP] },
  // `customers` runs the profile API's routes in-process: a table reached from the CLI gets the service API's own validation.
  { folder: 'functions/cli', may: [CORE, DEFINITIONS, ADAPTERS, TEMPLATE_COMPILER, TEMPLATE_PREVIEW, TOOLING, SIMULATE, 'functions/profile-api/routes.ts'] },
  { folder: 'functions/local', may: [CORE, DEFINITIONS, ADAPTERS, HTTP, COMPOSITION, ...LAMBDAS, TEMPLATE_COMPILER, TEMPLATE_PREVIEW, TOOLING] },
  { folder: 'lib', may: [DEFINITIONS] },
  { folder: 'bin', may: ['lib', DEFINITIONS, 'functions/cli/main.ts'] },
  // The typed client for upstream systems: the request schema and the use case that queues, through the SQS adapter.
  { folder: 'functions/client', may: [CORE, DEFINITIONS, ADAPTERS] },
  // Examples use the client as an upstream system would, and nothing else of ours.
  { folder: 'examples', may: ['functions/client'] },
  { folder: 'scripts', may: [CORE, DEFINITIONS, TEMPLATE_COMPILER] },
  { folder: 'bench', may: ['functions', 'lib'] },
  { folder: 'chaos', may: ['functions', 'lib', 'bench'] },
];

/** Subfolders a layer may nest; a file deeper than this may import nothing at all, so the limit cannot hide a crossing. */
const NESTING = 4;

/** Extra syntax rules per folder, kept with the boundary rules because a later block would replace them. */
const SYNTAX = {
  [CORE]: [{ selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'functions/core reads no clock: use the Clock port.' }],
};

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * How a file in `dir` writes an import of `target`: the folder as a prefix, a single file with
 * either extension. Patterns see the import as written, so each nesting depth gets its own.
 */
function allowedSpecifier(dir, target) {
  const relative = escapeRegex(posix.relative(dir, target.replace(/\.ts$/, '')));
  return target.endsWith('.ts') ? `${relative}\\.(?:js|ts)$` : `${relative}/`;
}

/** esquery regex literals end at the first `/`, so the same pattern is written with `\x2F`. */
const asSelectorRegex = (regex) => regex.replaceAll('/', '\\x2F');

function boundaryBlock({ folder, may, packages }, depth) {
  const dir = posix.join(folder, ...Array(depth).fill('sub'));
  const allowed = may.map((target) => allowedSpecifier(dir, target));
  const leavesFolder = `^${allowed.length ? `(?!${allowed.join('|')})` : ''}(?:\\.\\./){${depth + 1}}`;
  const crossing = `${folder} may import ${may.length ? `only its own files and ${may.join(', ')}` : 'only its own files'} (docs/architecture.md).`;
  const restricted = [{ regex: leavesFolder, caseSensitive: true, message: crossing }];
  if (packages) {
    const names = packages.map(escapeRegex).join('|');
    restricted.push({
      regex: `^(?![./]${names ? `|(?:${names})(?:/|$)` : ''})`,
      caseSensitive: true,
      message: `${folder} uses ${packages.length ? `no package but ${packages.join(', ')}` : 'no package'}: I/O and vendor SDKs belong in adapters, behind ports (docs/architecture.md).`,
    });
  }
  return {
    files: [`${folder}/${'*/'.repeat(depth)}*.{ts,js}`],
    rules: {
      'no-restricted-imports': ['error', { patterns: restricted }],
      // no-restricted-imports does not look at import(): the same patterns, for dynamic imports.
      'no-restricted-syntax': [
        'error',
        ...(SYNTAX[folder] ?? []),
        ...restricted.map(({ regex, message }) => ({ selector: `ImportExpression[source.value=/${asSelectorRegex(regex)}/]`, message })),
      ],
    },
  };
}

const tooDeep = (folder) => ({
  files: [`${folder}/${'*/'.repeat(NESTING + 1)}**/*.{ts,js}`],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ regex: '^', message: `${folder} nests at most ${NESTING} folders deep: flatten it, or raise NESTING in eslint.config.js.` }] },
    ],
  },
});

const importBoundaries = LAYERS.flatMap((layer) => [...Array.from({ length: NESTING + 1 }, (_, depth) => boundaryBlock(layer, depth)), tooDeep(layer.folder)]);

/** Files that read no environment and no clock: `who` names them in the messages, `instead` says where those come from. */
const noEnvironmentNoClock = (files, who, instead) => ({
  files,
  rules: {
    'no-restricted-properties': [
      'error',
      { object: 'process', property: 'env', message: `${who} reads no environment: ${instead.environment}` },
      { object: 'Date', property: 'now', message: `${who} reads no clock: ${instead.clock}` },
    ],
  },
});

/** The decision core stays pure (imports: see LAYERS; `new Date()`: see SYNTAX). */
const coreMustStayPure = noEnvironmentNoClock(['functions/core/**/*.ts'], 'functions/core', {
  environment: 'configuration comes in as arguments.',
  clock: 'use the Clock port.',
});

/** The simulator replays from its population file alone. */
const simulatorMustReplay = noEnvironmentNoClock(['functions/simulate/**/*.ts'], 'the simulator', {
  environment: 'a run depends on its population file alone.',
  clock: 'its runs start at SIMULATION_START.',
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', 'coverage/**', 'test-results/**', '.switchboard/**', 'bench/results/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // From the strict set: code the types already prove, written out anyway, hides the checks that matter.
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'error',
      '@typescript-eslint/no-unnecessary-template-expression': 'error',
      '@typescript-eslint/no-unnecessary-type-arguments': 'error',
      '@typescript-eslint/no-unnecessary-type-conversion': 'error',
      // A `default` branch is a deliberate catch-all; a switch without one must name every case.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // In-memory ports and fakes are `async` without awaiting so that a throw becomes a rejection, as it does in the real adapter.
      '@typescript-eslint/require-await': 'off',
      // Stored items, Liquid output and customer attributes are stringified on purpose whatever they hold; objects in template literals stay caught by restrict-template-expressions.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Tests read JSON bodies and synthesized CloudFormation templates, which are `any` by nature; their expectations are the check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // The JavaScript files (this config, the bin shim, the outbox page's browser script) are outside tsconfig.json, so linted without types; the page's script has its own tsconfig.json for tsc.
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked },
  ...importBoundaries,
  coreMustStayPure,
  simulatorMustReplay,
);
