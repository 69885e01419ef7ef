// The floor of the start-up benchmark: the least a server started with `node --import tsx` can
// do before answering /readyz.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  response.writeHead(request.url === '/readyz' ? 200 : 404).end();
});
server.listen(Number(process.env['PORT']), process.env['HOST'] ?? '127.0.0.1');
