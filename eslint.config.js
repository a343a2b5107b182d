// @ts-check
import tseslint from 'typescript-eslint';

/** The decision core stays pure: no AWS, no environment, no clock. Time and I/O arrive through ports. */
const coreMustStayPure = {
  files: ['functions/core/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['@aws-sdk/*'], message: 'functions/core is pure: AWS SDK calls belong in functions/adapters.' },
          { group: ['aws-lambda', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*', '@middy/*'], message: 'functions/core is pure: no Lambda, CDK or middleware imports.' },
          { group: ['node:fs', 'fs', 'node:fs/*', 'fs/*', 'node:child_process', 'node:net', 'node:http'], message: 'functions/core does no I/O: take it through a port.' },
        ],
      },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'process', property: 'env', message: 'functions/core reads no environment: configuration comes in as arguments.' },
      { object: 'Date', property: 'now', message: 'functions/core reads no clock: use the Clock port.' },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'functions/core reads no clock: use the Clock port.' },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', 'coverage/**', 'test-results/**', '.switchboard/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  coreMustStayPure,
);
