import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 30_000,
    // The JSON report lets .ci/run print the plain 'N passed, N failed' line CI reads.
    reporters: ['default', ['json', { outputFile: '.tmp/test-results.json' }]],
    hookTimeout: 30_000,
    // Real servers, real processes: keep the 2-core machine from thrashing.
    maxWorkers: 2,
    pool: 'forks',
    // GitHub's parser imports its JSON schemas without import attributes; let Vite transform it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
