import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** One POST of a JSON body of about `bytes` bytes, sent whole (Content-Length) or streamed (chunked). */
export interface LargePost {
  url: string;
  bytes: number;
  streamed: boolean;
  contentType?: string;
}

/** The answer: its status and JSON body, or the error fetch failed with (`EPIPE`, `ECONNRESET`, …). */
export type LargePostAnswer = { status: number; body: unknown } | { error: string };

// Runs in a process of its own: a client in the server's own process shares its event loop, and
// then never writes fast enough to meet the reset that a client elsewhere meets.
const CLIENT = `
const posts = JSON.parse(process.argv[1]);
const answers = [];
for (const { url, bytes, streamed, contentType } of posts) {
  const text = JSON.stringify({ padding: 'x'.repeat(bytes) });
  let body = text;
  if (streamed) {
    const bytesOf = new TextEncoder().encode(text);
    let at = 0;
    body = new ReadableStream({ pull(controller) { if (at >= bytesOf.length) return controller.close(); controller.enqueue(bytesOf.subarray(at, at += 65536)); } });
  }
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType ?? 'application/json' }, body, duplex: 'half' });
    answers.push({ status: response.status, body: await response.json() });
  } catch (error) {
    answers.push({ error: String(error.cause?.code ?? error.message) });
  }
}
console.log(JSON.stringify(answers));
`;

/** Sends `posts` one after the other with the global `fetch` (undici) of another Node process. */
export async function postFromAnotherProcess(posts: readonly LargePost[]): Promise<LargePostAnswer[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CLIENT, JSON.stringify(posts)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LargePostAnswer[];
}
