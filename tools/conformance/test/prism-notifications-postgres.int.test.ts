import { describePrismNotifications } from './support/prism-notifications-suite.js';

// The same, the server on PostgreSQL: the notifications come out of the PostgreSQL outbox.
describePrismNotifications('postgres');
