import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Starts a TypeScript file of the benchmarks in its own Node process (through tsx), with an IPC channel, and
 * resolves `line` with the first line it prints (a server prints its port as JSON).
 */
export function startChild(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; line: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
    env,
  });
  const line = new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const at = buffer.indexOf('\n');
      if (at >= 0) resolve(buffer.slice(0, at));
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, line };
}
