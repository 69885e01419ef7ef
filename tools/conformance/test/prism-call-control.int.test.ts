import { describePrismCallControl } from './support/prism-call-control-suite.js';

// The SDK's end-to-end suite through Prism, the reference server on its embedded store (LMDB).
describePrismCallControl('lmdb');
