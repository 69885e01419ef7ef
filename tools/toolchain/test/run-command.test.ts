import { describe, expect, it } from 'vitest';
import { CommandError, runCommand } from '../src/run-command.js';

describe('runCommand', () => {
  it('collects stdout and stderr, apart and interleaved', async () => {
    const result = await runCommand('sh', ['-c', 'echo out; echo err >&2']);
    expect(result).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
  });

  it('keeps a UTF-8 character whole when the pipe splits it between two chunks', async () => {
    // "━" is three bytes; the child writes its first byte, waits, then the other two.
    const script =
      'process.stdout.write(Buffer.from([0xe2])); setTimeout(() => process.stdout.write(Buffer.from([0x94, 0x81, 0x0a])), 100)';
    const result = await runCommand(process.execPath, ['-e', script]);
    expect(result.stdout).toBe('━\n');
  });

  it('throws a CommandError ending with the output when the command fails', async () => {
    const error = await runCommand('sh', ['-c', 'echo why; exit 3']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toMatch(/exited with 3\nwhy/);
  });

  it('kills the whole process group on timeout, children included', async () => {
    // The grandchild would keep stdout open (and the promise pending) if only sh were killed.
    const result = await runCommand('sh', ['-c', 'sleep 30 & sleep 30'], { timeoutMs: 300, allowFailure: true });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('rejects with the command named when it cannot start', async () => {
    await expect(runCommand('/nonexistent/tool', ['--version'])).rejects.toThrow(/nonexistent\/tool --version could not start/);
  });
});
