// The runner's clock, for a job whose outcome depends on the day (a freeze window): loaded with
// NODE_OPTIONS="--import <this file>" when STANDIN_NOW is set, it moves Date by a fixed offset so the
// process starts at STANDIN_NOW and time still runs (durations and timers are untouched). With
// STANDIN_NOW_ONLY (action folders, comma-separated), only those actions' bundles (dist/<action>/) move.
const target = Date.parse(process.env.STANDIN_NOW ?? '');
const only = process.env.STANDIN_NOW_ONLY?.split(',').filter(Boolean);
const script = (process.argv[1] ?? '').replaceAll('\\', '/');
const mine = !only || only.some((action) => script.includes(`/dist/${action}/`));
if (!Number.isNaN(target) && mine) {
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
