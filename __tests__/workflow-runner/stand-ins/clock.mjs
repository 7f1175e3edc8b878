// The runner's clock, for a job whose outcome depends on the day (a freeze window): loaded with
// NODE_OPTIONS="--import <this file>" when STANDIN_NOW is set, it moves Date by a fixed offset so the
// process starts at STANDIN_NOW and time still runs (durations and timers are untouched).
const target = Date.parse(process.env.STANDIN_NOW ?? '');
if (!Number.isNaN(target)) {
  const RealDate = Date;
  const offset = target - RealDate.now();
  class RunnerDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = RunnerDate;
}
