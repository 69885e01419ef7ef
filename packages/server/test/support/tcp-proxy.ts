import { connect, createServer, type Socket } from 'node:net';

/** A loopback TCP proxy that a test can cut, as if the network or the server behind it went away. */
export interface TcpProxy {
  readonly port: number;
  /** Closes every open connection and refuses new ones (ECONNREFUSED) until `restore`. */
  cut(): Promise<void>;
  /**
   * Drops everything silently, as a network that loses packets: open connections stay open but
   * nothing more crosses them, and new ones are accepted and then hear nothing, until `restore`.
   */
  blackhole(): void;
  /** Accepts connections again, on the same port (after a black hole: the held connections are closed). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) to `host:port`. */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let dropping = false;
  const drop = (socket: Socket) => {
    socket.unpipe();
    socket.removeAllListeners('data');
    socket.on('data', () => undefined);
  };
  const server = createServer((client) => {
    if (dropping) {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      drop(client);
      return;
    }
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as { port: number };
  const closeServer = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const cutAll = async () => {
    const closing = closeServer();
    for (const socket of sockets) socket.destroy();
    await closing;
  };
  return {
    port: own,
    cut: cutAll,
    blackhole() {
      dropping = true;
      for (const socket of sockets) drop(socket);
    },
    async restore() {
      if (dropping) {
        dropping = false;
        for (const socket of sockets) socket.destroy();
        return;
      }
      await new Promise<void>((resolve, reject) =>
        server.once('error', reject).listen(own, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        }),
      );
    },
    close: cutAll,
  };
}
