/**
 * Processes the benchmarks and the chaos run start and watch: the sandbox in a process of its own
 * (so the worker's memory is its own), and what /proc says about a process (CPU time, memory, the
 * Temporal dev server among this process's children). Linux only where /proc is read: elsewhere
 * those figures are undefined.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const fields = statFields(pid);
  // utime and stime are the 12th and 13th fields after the command name; USER_HZ is 100 on Linux.
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : undefined;
}

/** The highest resident set size a live process has had so far (VmHWM), in MiB. */
export function peakRssMbOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Live (not zombie) children of this process whose command name starts with `name`, newest last:
 * how the benchmarks find the Temporal dev server that the SDK spawned for them.
 */
export function childPidsNamed(name: string): number[] {
  const found: { pid: number; startTicks: number }[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let comm: string;
      try {
        comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      } catch {
        continue; // gone meanwhile
      }
      const fields = statFields(entry);
      // state is the 1st field after the name, ppid the 2nd, starttime the 20th.
      if (!fields || !comm.startsWith(name) || fields[0] === 'Z' || Number(fields[1]) !== process.pid) continue;
      found.push({ pid: Number(entry), startTicks: Number(fields[19]) });
    }
  } catch {
    // not Linux
  }
  return found.sort((a, b) => a.startTicks - b.startTicks).map((p) => p.pid);
}

/**
 * `npm run sandbox` as a child process, on a free port; resolves with its URL once it listens.
 * `env`: the sandbox's settings (SANDBOX_*, see sandbox/README.md), added to this process's environment.
 */
export async function startSandboxProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../../sandbox/main.ts', import.meta.url))],
    { env: { ...process.env, SANDBOX_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(seen);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}): ${seen}`)));
  });
  return { url, child };
}
