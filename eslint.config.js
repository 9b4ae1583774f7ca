// ESLint flat config: JavaScript's and typescript-eslint's recommended rules with type information
// (promises that are neither awaited nor handled, async functions where a void callback is expected),
// and eslint-plugin-svelte for the renderer's components. Formatting is Prettier's job (.prettierrc).
// CommonJS because package.json has no "type": "module".
const js = require('@eslint/js')
const tseslint = require('typescript-eslint')
const svelte = require('eslint-plugin-svelte')
const globals = require('globals')

module.exports = tseslint.config(
  {
    ignores: ['out/**', 'node_modules/**', '.tsbuild/**', '.tmp/**', '.cache/**', 'dist/**', 'scratch/**', 'resources/**', 'docs/**', 'test-results/**', 'packaging/**']
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        // The three projects the type check runs (test/tsconfig.json also covers bench/ and scripts/*.ts).
        project: ['./src-main/tsconfig.json', './test/tsconfig.json', './src-renderer/tsconfig.json'],
        tsconfigRootDir: __dirname,
        extraFileExtensions: ['.svelte']
      }
    },
    rules: {
      // Functions stay async to meet a Promise-returning interface even when their body has no await:
      // `async` turns a synchronous throw into a rejection, which callers (dispatch, the job runner)
      // rely on; the rule would have them drop it.
      '@typescript-eslint/require-await': 'off',
      // Shapes in error messages are printed as `[${shape}]` on purpose (an array joins with commas).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowArray: true }],
      // An unused parameter or binding named _x is deliberate (a handler's context, a destructured-away field).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }]
    }
  },
  {
    // Tests read untyped values on purpose (JSON bodies, worker messages, parsed files) and assert
    // their shape, and take fake methods apart from their fixtures; the production code keeps these rules.
    // scripts/*.ts are test-like tools too (the attack pass drives a served studio over HTTP).
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off'
    }
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, svelteFeatures: { experimentalGenerics: true } }
    }
  },
  {
    // Inside .svelte markup ESLint sees template expressions without the types svelte-check derives
    // (each-block items, bound values are `any` to it), so the no-unsafe-* rules would flag correct
    // code; svelte-check (npm run typecheck) type-checks these files instead.
    files: ['**/*.svelte'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off'
    }
  },
  {
    // Plain JavaScript (scripts/*.mjs, this file) is in no tsconfig, so it gets the rules without types.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'electron.vite.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
