import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'util', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'worker_threads'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      curly: 'error',
    },
  },
  {
    // The engine and the readers run in the web worker and in the CLI alike: no editor API, no Node built-ins.
    files: ['src/core/**/*.ts', 'src/parse/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['vscode', ...NODE_BUILTINS, ...NODE_BUILTINS.map(m => `node:${m}`)] },
      ],
    },
  },
);
