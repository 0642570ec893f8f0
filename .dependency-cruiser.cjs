/**
 * The layers of ARCHITECTURE.md, checked by `npm test` (npm run lint:layers). Data flows one
 * way: sources → parsers → classify → pipeline → detectors / store → reports → CLI. Each rule
 * names the layer that may not reach the other; the comments say why.
 */
module.exports = {
  forbidden: [
    {
      name: 'parsers-are-pure',
      comment: 'A parser is a line in, an event or a reason out: it imports nothing outside parsers/ (parsers/lib holds what they share).',
      severity: 'error',
      from: { path: '^parsers/' },
      to: { path: '^(src|reports|bench|test)/' },
    },
    {
      name: 'formats-are-reached-through-the-registry',
      comment: 'A format module (parsers/<id>.ts) is imported by the registry parsers/index.ts only: what formats share lives in parsers/lib, so no format exports a helper to another, to src/ or to reports/.',
      severity: 'error',
      from: { path: '^(src|reports|bench|parsers)/', pathNot: '^parsers/index\\.ts$' },
      to: { path: '^parsers/[^/]+\\.ts$', pathNot: '^parsers/(index|types|ecs|clock)\\.ts$' },
    },
    {
      name: 'classify-and-detect-see-only-the-contract',
      comment: 'Classification and detection take events (parsers/types.ts, the contract), the IPv6 grammar (parsers/lib/ipv6-groups.ts) and leaf utilities; they know no store, pipeline, source or CLI.',
      severity: 'error',
      from: { path: '^src/(classify|detectors)/' },
      to: { path: '^(src/(store|pipeline|sources|cli|act|serve)|reports)/|^parsers/(?!types\\.ts$|lib/ipv6-groups\\.ts$)' },
    },
    {
      name: 'store-knows-no-pipeline',
      comment: 'The store persists; it imports no pipeline, detector, source, alert output, server or CLI code (the shapes it stores live in the store or the contract).',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^(src/(pipeline|detectors|sources|cli|act|serve|config)|reports)/' },
    },
    {
      name: 'reports-only-read',
      comment: 'Reports read the store through a read-only connection; they import no pipeline, detector, source, alert output, server or CLI code.',
      severity: 'error',
      from: { path: '^reports/' },
      to: { path: '^src/(pipeline|detectors|sources|cli|act|serve)/' },
    },
    {
      name: 'contract-is-shared-shapes',
      comment: 'The contract (alerts, the batch codec) is what the layers agree on: it depends on the event contract and leaf utilities only.',
      severity: 'error',
      from: { path: '^src/contract/' },
      to: { path: '^(src/(?!(contract|util)/)|reports/)|^parsers/(?!types\\.ts$)' },
    },
    {
      name: 'config-sits-above-store-and-rules',
      comment: 'Settings combine the store with the detection defaults; no pipeline, source, CLI or report code.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^(src/(pipeline|sources|cli|act|serve)|reports)/' },
    },
    {
      name: 'act-uses-what-is-stored',
      comment: 'Actions (alert outputs, exports, blocklists) work from alerts and stored events; no pipeline, source or CLI code.',
      severity: 'error',
      from: { path: '^src/act/' },
      to: { path: '^src/(pipeline|sources|cli|serve)/' },
    },
    {
      name: 'sources-only-read-and-frame',
      comment: 'Sources turn files, streams and sockets into records; they store nothing and parse nothing.',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { path: '^(src/(store|pipeline|detectors|cli|act|serve)|reports)/' },
    },
    {
      name: 'only-the-cli-is-a-face',
      comment: 'Nothing but the CLI (and the bench and tests that drive it) imports src/cli/.',
      severity: 'error',
      from: { path: '^(parsers|src/(?!cli/)|reports)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'util-is-a-leaf',
      comment: 'Leaf utilities import nothing of the project, so every layer may use them.',
      severity: 'error',
      from: { path: '^src/util/' },
      to: { path: '^(src/(?!util/)|parsers|reports)' },
    },
    {
      name: 'no-circular',
      comment: 'Cycles hide which layer depends on which.',
      severity: 'error',
      from: { path: '^(src|parsers|reports)/' },
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-the-product',
      severity: 'error',
      from: { path: '^(src|parsers|reports)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
