// Runs a user's command (a deploy, a redeploy, a router hook) with `bash -c`. Values reach it only as
// environment variables, never by building a shell string. It runs in its own process group so a
// cancelled job ends the whole tree, which @actions/exec cannot do.
import { spawn } from 'node:child_process';

export interface CommandRequest {
  /** The script, as the user wrote it in the workflow; passed to `bash -c` untouched. */
  script: string;
  cwd: string;
  /** The whole environment of the command. */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Each line of stdout and stderr as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How many of the last lines to keep for the summary (default 20). */
  keepLines?: number;
  /** Between SIGTERM and SIGKILL when cancelled (default 5 s). */
  killGraceMs?: number;
  /** Called once the command runs, with its process group (its pid), so a crash can be cleaned up after. */
  onSpawn?: (pgid: number) => void;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the command was ended because the signal aborted. */
  cancelled: boolean;
  lastLines: string[];
  durationMs: number;
}

export function runCommand(request: CommandRequest): Promise<CommandResult> {
  const keep = request.keepLines ?? 20;
  const lastLines: string[] = [];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      resolve({ exitCode: null, signal: null, cancelled: true, lastLines, durationMs: 0 });
      return;
    }
    const child = spawn('bash', ['-c', request.script], {
      cwd: request.cwd,
      env: request.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid !== undefined) request.onSpawn?.(child.pid);
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = () => {
      cancelled = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), request.killGraceMs ?? 5000);
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });

    const lineReader = (stream: 'stdout' | 'stderr') => {
      let pending = '';
      return {
        push(chunk: string) {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) this.emit(line);
        },
        flush() {
          if (pending) this.emit(pending);
          pending = '';
        },
        emit(line: string) {
          lastLines.push(line);
          if (lastLines.length > keep) lastLines.shift();
          request.onLine?.(line, stream);
        },
      };
    };
    const out = lineReader('stdout');
    const err = lineReader('stderr');
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
    child.on('error', (error) => {
      request.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      out.flush();
      err.flush();
      request.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // A cancelled script's leftovers go with it; a finished one may leave a service running on purpose.
      if (cancelled) killGroup('SIGKILL');
      resolve({ exitCode, signal, cancelled, lastLines, durationMs: Date.now() - started });
    });
  });
}
