import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Runs `task` while holding a lock on `path` across processes (parallel test files building the
 * same cache entry): the lock is a directory, since mkdir is atomic. Waits while another process
 * holds it, and takes over a lock left behind by a process that died (older than `staleMs`).
 */
export async function withFileLock<T>(path: string, task: () => Promise<T>, staleMs = 15 * 60_000): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      await mkdir(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > staleMs) await rm(path, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 500));
  }
  try {
    return await task();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}
