// The published package: a scoped name this project owns, publishable (not private, public access), and what
// `npm pack` makes installs into an empty folder and runs: `deploy-kit --help`, and a smoke test of a server
// on loopback, through the bin npm links and through `npx --package <name> deploy-kit`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './fakes/test-app.js';
import { actionNames, repoRoot } from './helpers/repo.js';

const exec = promisify(execFile);

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  engines?: Record<string, string>;
  license?: string;
  publishConfig?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

/** npm without the test runner's npm_config_* (npm scripts set some, such as the prefix). */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

describe('package.json', () => {
  it('has a scoped name, is publishable with public access, and links the deploy-kit command', () => {
    // `deploy-kit` unscoped is someone else's package on the public registry.
    expect(pkg.name).toMatch(/^@[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(pkg.name).not.toBe('deploy-kit');
    expect(pkg.private).toBeUndefined();
    expect(pkg.publishConfig).toMatchObject({ access: 'public' });
    expect(pkg.bin).toEqual({ 'deploy-kit': 'bin/deploy-kit.js' });
    expect(pkg.files).toEqual(expect.arrayContaining(['bin', 'dist', '*/action.yml', 'action.yml']));
  });
});

describe('engines', () => {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; engines?: { node?: string } }>;
  };

  it("says the truth: every Node it allows, each production dependency's engines allow too", () => {
    const ours = pkg.engines?.node ?? '*';
    const narrower: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.dev || entry.devOptional || !entry.engines?.node) continue;
      checked++;
      if (!semver.subset(ours, entry.engines.node)) narrower.push(`${path}: ${entry.engines.node}`);
    }
    expect(checked).toBeGreaterThan(10);
    expect({ ours, narrower }).toEqual({ ours, narrower: [] });
    expect(lock.packages['']?.engines?.node).toBe(ours);
  });

  it('README says which Node the CLI needs, and npm ci on an older Node only warns', () => {
    const min = semver.minVersion(pkg.engines?.node ?? '*')!.major;
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(`The CLI needs Node ${min} or later`);
    // CI and this machine run npm ci on Node 20: EBADENGINE stays a warning unless engine-strict is set.
    expect(
      existsSync(join(repoRoot, '.npmrc')) &&
        /engine-strict\s*=\s*true/.test(readFileSync(join(repoRoot, '.npmrc'), 'utf8')),
    ).toBe(false);
  });
});

describe('npm pack, installed into an empty folder', () => {
  let folder: string;
  let tarball: string;
  let app: TestApp;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'deploy-kit-pack-'));
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', folder, repoRoot], {
      cwd: folder,
      env: npmEnv(),
      maxBuffer: 1 << 26,
    });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = info!.filename;
    // The npm cache holds the tarballs `npm ci` fetched, not the registry's metadata, so an offline install
    // is pinned by this project's own lockfile (its production part), as a consumer's lockfile would pin it.
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const spec = `file:${tarball}`;
    const packages: Record<string, unknown> = {
      '': { dependencies: { [pkg.name]: spec } },
      [`node_modules/${pkg.name}`]: {
        version: pkg.version,
        resolved: spec,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path !== '' && !entry.dev && !entry.devOptional) packages[path] = entry;
    }
    writeFileSync(
      join(folder, 'package.json'),
      JSON.stringify({ private: true, dependencies: { [pkg.name]: spec } }),
    );
    writeFileSync(
      join(folder, 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, requires: true, packages }),
    );
    await exec(
      'npm',
      ['ci', '--offline', '--no-audit', '--no-fund', '--engine-strict=false', '--loglevel=error'],
      { cwd: folder, env: npmEnv() },
    );
    app = await startTestApp({ version: 'v9' });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('ships the bin, the CLI bundle and every action with its bundle, and nothing of the sources', async () => {
    const { stdout } = await exec('tar', ['-tzf', join(folder, tarball)], { maxBuffer: 1 << 26 });
    const files = stdout.split('\n').map((line) => line.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'bin/deploy-kit.js',
        'dist/cli/index.js',
        'action.yml',
        'dist/release/index.js',
        ...actionNames().flatMap((action) => [`${action}/action.yml`, `dist/${action}/index.js`]),
      ]),
    );
    expect(files.filter((file) => /^(src|__tests__|bench|scripts|node_modules)\//.test(file))).toEqual([]);
  });

  it('installs under its scoped name with its dependencies, and `deploy-kit --help` lists the actions', async () => {
    const installed = JSON.parse(
      readFileSync(join(folder, 'node_modules', pkg.name, 'package.json'), 'utf8'),
    ) as PackageJson;
    expect(installed.name).toBe(pkg.name);
    for (const dependency of Object.keys(pkg.dependencies ?? {})) {
      expect(() => readFileSync(join(folder, 'node_modules', dependency, 'package.json'))).not.toThrow();
    }
    const { stdout } = await exec(join(folder, 'node_modules/.bin/deploy-kit'), ['--help'], { cwd: folder });
    expect(stdout).toContain('Usage: deploy-kit <action>');
    for (const action of [...actionNames(), 'release']) expect(stdout).toContain(action);
    const version = await exec(join(folder, 'node_modules/.bin/deploy-kit'), ['--version'], { cwd: folder });
    expect(version.stdout.trim()).toBe(`deploy-kit ${pkg.version}`);
  });

  it('runs a smoke test of a loopback server through `npx --package <name> deploy-kit`, offline', async () => {
    const { stdout } = await exec(
      'npx',
      [
        '--offline',
        '--package',
        pkg.name,
        'deploy-kit',
        'smoke-test',
        '--url',
        `${app.url}/health`,
        '--samples',
        '3',
        '--json',
      ],
      { cwd: folder, env: npmEnv() },
    );
    const result = JSON.parse(stdout) as { conclusion: string; outputs: Record<string, string> };
    expect(result.conclusion).toBe('success');
    expect(result.outputs.passed).toBe('true');
  });
});
