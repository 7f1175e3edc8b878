// The floors of docs/ARCHITECTURE.md as rules, checked by `npm run lint`:
//   ground floor  src/common, src/http      imports nothing above it
//   engines       src/<engine>              never src/actions nor @actions/*
//   top           src/actions, src/cli*.ts  an action folder never imports another (src/actions/kit is shared)
// and no circular imports anywhere in src/.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-action-imports-another-action',
      comment:
        'An action folder never imports another action folder: what two actions share goes in an engine or src/actions/kit/.',
      severity: 'error',
      from: { path: '^src/actions/([^/]+)/', pathNot: '^src/actions/kit/' },
      to: { path: '^src/actions/([^/]+)/', pathNot: ['^src/actions/kit/', '^src/actions/$1/'] },
    },
    {
      name: 'no-kit-imports-an-action',
      comment: 'src/actions/kit/ is shared by the actions, so it imports none of them.',
      severity: 'error',
      from: { path: '^src/actions/kit/' },
      to: { path: '^src/actions/', pathNot: '^src/actions/kit/' },
    },
    {
      name: 'engines-do-not-import-actions',
      comment: 'Engines (src/* outside src/actions and the cli*.ts files) import neither src/actions nor @actions/*.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/actions/', '^src/cli[^/]*\\.ts$'] },
      to: { path: ['^src/actions/', '(^|/)node_modules/@actions/'] },
    },
    {
      name: 'ground-floor-imports-nothing-above',
      comment: 'src/http and src/common are the ground floor: they import only each other (common never http) and node.',
      severity: 'error',
      from: { path: '^src/(http|common)/' },
      to: { path: '^src/', pathNot: '^src/(http|common)/' },
    },
    {
      name: 'common-below-http',
      comment: 'src/common is the lowest floor: src/http may use it, not the other way round.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'no-circular',
      comment: 'No circular imports: a cycle means two modules are one job, or a type belongs a floor lower.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // A .js specifier names the .ts file beside it (NodeNext).
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^dist/' },
  },
};
