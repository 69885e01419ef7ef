import { describeServerFuzz } from './support/server-fuzz-suite.js';

// The fast-check attacks on the reference server with its embedded store (LMDB), as users start it.
describeServerFuzz('lmdb');
