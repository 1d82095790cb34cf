/* global module */
// The one rule of s2s's structure (docs/architecture.md): dependencies point one way. The composition root
// (src/app, and the demo that seeds every capability) depends on capabilities; capabilities depend on platform/
// and ctf/, and on each other only through what each offers in its public.ts; platform/ and ctf/ depend on nothing
// of ours above them. No import circles anywhere. Tests, which wire whole apps, may import from any layer.
// Every folder of src/ but the composition root, the demo and the two layers below is a capability, so that a new
// one is covered without being named here.
const CAPABILITIES = '^src/(?!(?:app|demo|platform|ctf)/)([^/]+)/';
const TESTS = '(\\.test\\.ts$|/test-support(\\.ts$|/))';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle: two modules that each need the other cannot be understood or changed alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-and-ctf-below-everything',
      comment: 'platform/ and ctf/ are what every capability stands on: they may not name a capability or the app.',
      severity: 'error',
      from: { path: '^src/(platform|ctf)/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/(platform|ctf)/' },
    },
    {
      name: 'capabilities-meet-through-what-they-offer',
      comment:
        'A capability uses another only through what that one offers in its public.ts (functions, types, extension points), never its internals.',
      severity: 'error',
      from: { path: CAPABILITIES, pathNot: TESTS },
      to: { path: CAPABILITIES, pathNot: ['^src/$1/', '^src/[^/]+/public\\.ts$'] },
    },
    {
      name: 'capabilities-below-the-app',
      comment: 'A capability offers a manifest to the composition root; it never reaches up into it.',
      severity: 'error',
      from: { path: CAPABILITIES, pathNot: TESTS },
      to: { path: '^src/(app|demo)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
