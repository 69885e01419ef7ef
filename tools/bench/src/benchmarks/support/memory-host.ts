// The server whose memory the session-memory benchmark reads: the reference server alone in its
// process (nothing else allocates here), answering `measure` over IPC with its memory after a
// full garbage collection. Run with --expose-gc.
import { startReferenceServer } from '@mmtel/server';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memory-host needs node --expose-gc');
const send = (message: unknown) => process.send!(message);

// Production profile, no simulated calls; the sessions' notifUri is on loopback, which the
// production profile refuses unless allowed.
const server = await startReferenceServer({
  MMTEL_PROFILE: 'production',
  MMTEL_SIM_SCENARIO: 'silent',
  MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
});
process.on('message', (message: string) => {
  if (message === 'measure') {
    // Twice: the first pass may leave garbage that finalizers of the first released.
    gc();
    gc();
    send({ type: 'memory', memory: process.memoryUsage() });
  } else if (message === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', apiRoot: server.apiRoot });
