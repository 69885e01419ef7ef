// The one list of test projects. Vitest 4 no longer reads this file by itself: the root
// vitest.config.ts passes it to `test.projects`, so `vitest --project <name>` works.
export default ['tools/*', 'packages/*', 'examples/*'];
