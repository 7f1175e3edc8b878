// Runs a user's command (a deploy, a redeploy, a router hook) with `bash -c`. Values reach it only as
// environment variables, never by building a shell string. It runs in its own process group so a
// cancelled job ends the whole tree, which @actions/exec cannot do.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

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
  /**
   * Called with the command's process group (its pid) before the script starts: the script waits until the
   * returned promise settles, so a crash at any moment of it leaves a recorded group behind, never an
   * unknown one.
   */
  onSpawn?: (pgid: number) => void | Promise<void>;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the command was ended because the signal aborted. */
  cancelled: boolean;
  lastLines: string[];
  durationMs: number;
}

/**
 * Holds the script until its process group is recorded: one line on file descriptor 3 opens the gate (end of
 * input, the caller gone, closes it without running anything); the script then runs as `bash -c` would run
 * it. Not stdin: bash reads ~/.bashrc when its stdin is a socket, as Node's pipes are.
 */
const GATE =
  'IFS= read -r _ <&3 || exit 129; exec 3<&-; __deploy_kit_script=$1; shift; eval "unset __deploy_kit_script; $__deploy_kit_script"';

export function runCommand(request: CommandRequest): Promise<CommandResult> {
  const keep = request.keepLines ?? 20;
  const lastLines: string[] = [];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      resolve({ exitCode: null, signal: null, cancelled: true, lastLines, durationMs: 0 });
      return;
    }
    const gated = request.onSpawn !== undefined;
    const child = spawn('bash', gated ? ['-c', GATE, 'bash', request.script] : ['-c', request.script], {
      cwd: request.cwd,
      env: request.env,
      stdio: gated ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (gated && child.pid !== undefined) {
      const gate = child.stdio[3] as Writable;
      const open = () => gate.end('go\n');
      gate.on('error', () => {}); // the script may be gone already (cancelled while gated)
      Promise.resolve()
        .then(() => request.onSpawn?.(child.pid!))
        .then(open, open);
    }
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
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
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
