// The throw-away PostgreSQL cluster lives in tools/toolchain, so that the benchmarks start it too.
export { startPostgres, type TestPostgres } from '@mmtel/toolchain';
