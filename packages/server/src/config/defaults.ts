import { notificationSettings, type NotificationSettings } from './server-config.js';
import { DEFAULT_VALUES } from './values.js';

/*
 * The schema's defaults for the modules that have their own (the notification engine, the
 * stores): they take them from here, so that a module built without configuration (a benchmark,
 * a test) behaves as a server started without any variable.
 */

/** The notification settings of a server started without any variable. */
export const NOTIFICATION_DEFAULTS: Readonly<NotificationSettings> = Object.freeze(notificationSettings(DEFAULT_VALUES));

/** Every variable's value in a server started without any variable (development profile). */
export { DEFAULT_VALUES } from './values.js';
