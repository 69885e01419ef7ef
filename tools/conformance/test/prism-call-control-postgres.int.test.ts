import { describePrismCallControl } from './support/prism-call-control-suite.js';

// The same, the reference server on PostgreSQL (a database of its own on the run's PostgreSQL).
describePrismCallControl('postgres');
