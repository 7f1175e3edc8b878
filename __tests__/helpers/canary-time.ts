// What the canary tests share: canary-promote's durations scaled down so a rollout keeps its shape (looks
// per hold, holds per rollout) in about a minute, and a steady load through the router while it runs.
//
// Durations are scaled by TIME_SCALE = 1/20 (a 5 m hold becomes 15 s, a 1 m interval 3 s, a 30 s default
// interval 1.5 s, a 1 h max-duration 3 min), floored at 1 s, Prometheus' scrape interval in these tests.
import { Agent, request } from 'node:http';
import { parse } from 'yaml';
import { parseDuration } from '../../src/common/durations.js';

export const TIME_SCALE = 1 / 20;
const FLOOR_MS = 1000;
/** canary-promote's own defaults for the durations an example may leave out. */
export const DURATION_DEFAULTS = { interval: '30s', hold: '5m', 'max-duration': '1h' } as const;

/** A duration as canary-promote reads it, scaled: whole milliseconds. */
export function scaledDuration(label: string, text: string): string {
  return `${Math.max(FLOOR_MS, Math.round(parseDuration(label, text) * TIME_SCALE))}ms`;
}

/**
 * The scaled duration inputs of a canary-promote step, from its `with:`: interval, hold and max-duration
 * (each its default when left out), and `steps` when it is a YAML list naming holds.
 */
export function scaledDurations(inputs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['interval', 'hold', 'max-duration'] as const)
    out[name] = scaledDuration(name, inputs[name] ?? DURATION_DEFAULTS[name]);
  const steps = parse(inputs.steps ?? '') as unknown;
  if (Array.isArray(steps))
    out.steps = JSON.stringify(
      steps.map((step: { weight: number; hold?: string }) =>
        step.hold === undefined ? step : { ...step, hold: scaledDuration('hold', step.hold) },
      ),
    );
  return out;
}

/** Four clients sending GET / through `url` back to back until stopped: the users' traffic. */
export function loadThrough(url: string): { stop(): Promise<void> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(`${url}/`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => resolve());
      req.end();
    });
  const worker = async () => {
    while (running) {
      await one();
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  };
  const workers = Promise.all(Array.from({ length: 4 }, worker));
  return {
    async stop() {
      running = false;
      await workers;
      agent.destroy();
    },
  };
}
