import { describePrismNotifications } from './support/prism-notifications-suite.js';

// The server's notifications through Prism to a real receiver, the server on its embedded store (LMDB).
describePrismNotifications('lmdb');
