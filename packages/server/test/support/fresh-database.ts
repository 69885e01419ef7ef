import { inject, onTestFinished } from 'vitest';
import { createScratchDatabase } from './scratch-database.js';

/**
 * Creates a database of its own on the test run's PostgreSQL (`inject('databaseUrl')`) and returns
 * its connection string; `onFinished` (by default the end of the current test) drops it.
 */
export async function freshDatabase(onFinished: (drop: () => Promise<void>) => void = onTestFinished): Promise<string> {
  const database = await createScratchDatabase(inject('databaseUrl'));
  onFinished(database.drop);
  return database.url;
}
