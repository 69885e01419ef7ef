// The notification receiver of notification-throughput.ts: node:http answering 204 to
// everything, in a process of its own, so that the benchmark's CPU time is the sender's alone.
// Sends its port to the parent over IPC once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(204);
    response.end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
process.on('disconnect', () => process.exit(0));
