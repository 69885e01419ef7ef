// The one list of test projects. Vitest 4 no longer reads this file by itself: the root
// vitest.config.ts passes it to `test.projects`, so `vitest --project <name>` works.
// examples/ also holds examples in other languages (examples/java, examples/python), tested by
// their own runners through tools/sdkgen: a directory matched here becomes a vitest project even
// without a config, so examples are matched by their vitest.config.ts.
export default ['tools/*', 'packages/*', 'examples/*/vitest.config.ts'];
