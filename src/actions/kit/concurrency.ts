// The environment's turn-taking inputs, read alike by every action that deploys: deploy-env, rollback and
// the release.
import { DURATION_RANGES } from '../../common/durations.js';
import { DEFAULT_CONCURRENT_TIMEOUT_MS, type DeploySettings } from '../../deploy/deploy.js';
import { DEFAULT_LEASE_TIMEOUT_MS } from '../../deploy/lease.js';
import type { InputReader } from './inputs.js';

/** on-concurrent, concurrent-timeout and lease-timeout. */
export function readOnConcurrent(input: InputReader): DeploySettings['onConcurrent'] {
  return {
    mode: input.choice('on-concurrent', ['wait', 'fail'] as const) ?? 'wait',
    timeoutMs: input.duration('concurrent-timeout', DURATION_RANGES.wait) ?? DEFAULT_CONCURRENT_TIMEOUT_MS,
    leaseTimeoutMs: input.duration('lease-timeout', DURATION_RANGES.wait) ?? DEFAULT_LEASE_TIMEOUT_MS,
  };
}
