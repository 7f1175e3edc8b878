// The chart library the report page inlines (uPlot: its minified script and stylesheet), read at run time.
// From the source tree it is read from node_modules; in a bundle, from the one copy scripts/build.mjs puts
// beside the bundles (dist/uplot/), since ncc bundles code, not files read as text.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChartLibrary {
  script: string;
  style: string;
  version: string;
}

const FILES = { script: 'uPlot.iife.min.js', style: 'uPlot.min.css' } as const;

/** Where uPlot's files are: beside the bundles (dist/uplot/ from dist/<bundle>/), or in node_modules. */
export function chartLibraryFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, '..', 'uplot');
  if (existsSync(join(beside, FILES.script))) return beside;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('uplot/package.json')), 'dist');
}

let cached: ChartLibrary | undefined;

export function chartLibrary(): ChartLibrary {
  if (cached) return cached;
  const folder = chartLibraryFolder();
  const script = readFileSync(join(folder, FILES.script), 'utf8');
  const style = readFileSync(join(folder, FILES.style), 'utf8');
  const version = /uPlot \(v([\d.]+)\)/.exec(script)?.[1] ?? 'unknown';
  cached = { script, style, version };
  return cached;
}
