// A log-linear latency histogram in the manner of HdrHistogram: fixed memory however many samples,
// values in microseconds, relative error under 0.4% (128 sub-buckets per power of two, midpoint reported).
import type { LatencySummary } from './types.js';

/** Values below 2^LINEAR_BITS µs are counted exactly, one bucket each. */
const LINEAR_BITS = 8;
const LINEAR = 1 << LINEAR_BITS;
/** Sub-buckets per power of two above that: bucket width ≤ value / 128. */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Largest power of two tracked: 2^36 µs ≈ 19 hours; larger values are clamped into the last bucket. */
const MAX_EXPONENT = 36;
const BUCKETS = LINEAR + (MAX_EXPONENT - LINEAR_BITS + 1) * SUB;
const TWO_32 = 2 ** 32;

function log2Floor(value: number): number {
  return value < TWO_32 ? 31 - Math.clz32(value) : 32 + (31 - Math.clz32(Math.floor(value / TWO_32)));
}

function bucketOf(micros: number): number {
  if (micros < LINEAR) return micros;
  const exponent = Math.min(log2Floor(micros), MAX_EXPONENT);
  const shift = exponent - SUB_BITS;
  const sub = Math.min(Math.floor(micros / 2 ** shift), 2 * SUB - 1) - SUB;
  return LINEAR + (exponent - LINEAR_BITS) * SUB + sub;
}

/** The lowest value and width of a bucket. */
function bucketRange(index: number): [number, number] {
  if (index < LINEAR) return [index, 1];
  const exponent = LINEAR_BITS + Math.floor((index - LINEAR) / SUB);
  const sub = (index - LINEAR) % SUB;
  const width = 2 ** (exponent - SUB_BITS);
  return [(SUB + sub) * width, width];
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = 0;

  /** Records one value in microseconds (rounded; negatives count as 0). */
  recordMicros(micros: number): void {
    const value = micros > 0 ? Math.round(micros) : 0;
    this.counts[bucketOf(value)]! += 1;
    this.total += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  recordMs(ms: number): void {
    this.recordMicros(ms * 1000);
  }

  get count(): number {
    return this.total;
  }

  /** Bytes held by the buckets: the same at 0 and at a billion samples. */
  get footprintBytes(): number {
    return this.counts.byteLength;
  }

  get maxMicros(): number {
    return this.total === 0 ? 0 : this.max;
  }

  get minMicros(): number {
    return this.total === 0 ? 0 : this.min;
  }

  get meanMicros(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * The value at percentile `p` (0–100), in microseconds: the midpoint of the bucket holding the
   * ⌈p·count/100⌉-th smallest value, kept within the exact min and max. 0 when empty.
   */
  percentileMicros(p: number): number {
    if (this.total === 0) return 0;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const [low, width] = bucketRange(i);
        const mid = width === 1 ? low : low + (width - 1) / 2;
        return Math.min(Math.max(mid, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Adds every sample of `other` into this histogram. */
  merge(other: LatencyHistogram): this {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sum += other.sum;
    if (other.total > 0) {
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
    }
    return this;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
  }

  /** p50/p95/p99/max/mean in milliseconds (3 decimals), or null when nothing was recorded. */
  summary(): LatencySummary | null {
    if (this.total === 0) return null;
    const ms = (micros: number) => Math.round(micros) / 1000;
    return {
      p50: ms(this.percentileMicros(50)),
      p95: ms(this.percentileMicros(95)),
      p99: ms(this.percentileMicros(99)),
      max: ms(this.max),
      mean: ms(this.meanMicros),
      count: this.total,
    };
  }
}
