// Type-aware lint of every hand-written TypeScript file (typescript-eslint with the type checker),
// for the mistakes the compiler lets through: promises nobody awaits or handles, promises passed
// where a callback's result is ignored, switches that miss a member of a union.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated code is checked by its generator's tests, not linted; fixtures are inputs.
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/*.gen.ts',
      '.cache/**',
      'sdks/**',
      'specs/**',
      '**/target/**',
      'tools/codegen/test/__snapshots__/**',
      'tools/codegen/test/fixtures/**',
      // A consumer of the packed tarballs, compiled in a scratch project by its own test.
      'tools/package-consumers/consumer/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: './tsconfig.lint.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `async` without `await` is how an implementation says it keeps a promise-returning
      // contract (the Store interface, Fastify's async hooks): a thrown error becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore names what a destructuring leaves out or a contract passes unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests and benchmarks pass a store's or server's methods around as plain functions on purpose
    // (`const { close } = server`); their objects do not depend on `this` being rebound.
    files: ['**/test/**/*.ts', '**/bench/**/*.ts', 'tools/bench/**/*.ts'],
    // Vitest's asymmetric matchers (expect.any, expect.objectContaining, …) are typed `any`, and a
    // test reads the JSON it got back as whatever it is; the assertion is the type check there.
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
