// Routers set the canary's share of traffic: one file per router (`nginx`, `command`, `http`), chosen by
// the `router` input. Pure of @actions/*.

export interface WeightChange {
  /** The canary's weight in percent, 0..100; the baseline gets the rest. */
  weight: number;
  step: number;
  baselineVersion: string;
  canaryVersion: string;
  signal?: AbortSignal;
}

export interface RouterLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface Router {
  readonly kind: 'nginx' | 'command' | 'http';
  /** Apply the weight and return once traffic follows it (nginx reloaded, command exited 0, 2xx answered). */
  setWeight(change: WeightChange): Promise<void>;
}

/**
 * A router that could not apply a weight: the rollout aborts (and returns traffic to the baseline). When the
 * router's settings are at fault, `setting` names the one (a key of the router's settings), so a caller can
 * point at its own input without reading the message.
 */
export class RouterError extends Error {
  constructor(
    message: string,
    readonly router: Router['kind'],
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'RouterError';
  }
}
