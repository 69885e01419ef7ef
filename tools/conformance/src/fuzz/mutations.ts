// Moved to @mmtel/check (the conformance kit shares it); kept so that the fuzz tests' imports hold.
export * from '@mmtel/check/attacks';
