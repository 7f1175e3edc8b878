// Every example's release, rollback and watch workflow is run end to end by its folder's test: a release is
// a workflow started by a push, a watch one started by a schedule (it may also be dispatched by hand, so the
// schedule is asked first: a watch is not a rollback), a rollback one dispatched by hand only; a reusable
// workflow (workflow_call only) runs through the release that calls it. A new example, or a new workflow in
// one, fails here until a test runs it; a workflow started any other way fails until a kind is given to it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/repo.js';

const examples = join(repoRoot, 'examples');
interface ExampleWorkflow {
  folder: string;
  file: string;
  kind: 'release' | 'watch' | 'rollback' | 'reusable' | 'unknown';
}

function exampleWorkflows(): ExampleWorkflow[] {
  const found: ExampleWorkflow[] = [];
  for (const folder of readdirSync(examples, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const dir = existsSync(join(examples, folder.name, 'workflows'))
      ? join(examples, folder.name, 'workflows')
      : join(examples, folder.name);
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const on = (parse(readFileSync(join(dir, file), 'utf8')) as { on: Record<string, unknown> }).on;
      const kind =
        'push' in on
          ? 'release'
          : 'schedule' in on
            ? 'watch'
            : 'workflow_dispatch' in on
              ? 'rollback'
              : Object.keys(on).join() === 'workflow_call'
                ? 'reusable'
                : 'unknown';
      found.push({ folder: folder.name, file, kind });
    }
  }
  return found;
}

describe('every example workflow runs in a test', () => {
  const workflows = exampleWorkflows();

  it('finds a release and a rollback in every folder', () => {
    const folders = [...new Set(workflows.map((w) => w.folder))].sort();
    expect(folders).toEqual([
      'django-flutter-gce',
      'fastapi-compose-slo',
      'fastapi-ec2',
      'kubernetes-canary',
      'nextjs-vercel-supabase',
      'single-server-compose',
      'workflows',
    ]);
    for (const folder of folders) {
      const kinds = workflows.filter((w) => w.folder === folder).map((w) => w.kind);
      expect({ folder, release: kinds.includes('release'), rollback: kinds.includes('rollback') }).toEqual({
        folder,
        release: true,
        rollback: true,
      });
    }
  });

  it('knows how every workflow is started', () => {
    expect(workflows.filter((w) => w.kind === 'unknown')).toEqual([]);
  });

  it('classifies the scheduled watches as watches, not rollbacks', () => {
    const watches = workflows.filter((w) => w.kind === 'watch').map((w) => `${w.folder}/${w.file}`);
    expect(watches).toEqual([
      'django-flutter-gce/watch.yml',
      'fastapi-ec2/watch.yml',
      'nextjs-vercel-supabase/watch.yml',
    ]);
  });

  it.each(workflows.filter((w) => w.kind !== 'reusable'))(
    '$folder/$file ($kind)',
    ({ folder, file, kind }) => {
      const test = readFileSync(join(repoRoot, '__tests__/examples', `${folder}.test.ts`), 'utf8');
      expect(test).toContain(`startStack('${folder}'`);
      // stack.run('<file>', …) runs the workflow's jobs, each step of them in the runner.
      expect(test).toMatch(new RegExp(`\\.run\\(\\s*'${file.replace('.', '\\.')}'`));
      // A watch's test sees both of its outcomes: a breach rolled back, a healthy release left alone.
      if (kind === 'watch') {
        expect(test).toMatch(/status: 'rolled-back'/);
        expect(test).toMatch(/status: 'healthy'/);
      }
    },
  );

  it.each(workflows.filter((w) => w.kind === 'reusable'))(
    '$folder/$file runs through its caller',
    ({ folder, file }) => {
      const callers = workflows.filter(
        (w) =>
          w.folder === folder &&
          w.kind === 'release' &&
          readFileSync(join(examples, folder, 'workflows', w.file), 'utf8').includes(
            `uses: ./.github/workflows/${file}`,
          ),
      );
      expect(callers.map((w) => w.file)).toEqual(['release.yml']);
    },
  );
});
