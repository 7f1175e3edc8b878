import { it } from 'vitest';
import { ACTIONS } from '../reliability/actions.js';
it('probe', async () => {
  const a = ACTIONS.find((x) => x.name === 'insights')!;
  const w = await a.world();
  const run = await w.run();
  console.log(run.conclusion, w.gh!.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join('\n'));
  console.log(run.main.stdout.slice(0, 1500));
  await w.close();
}, 60000);
