// The module rules of ../shared/ARCHITECTURE.md, checked by `npm test` (dependency-cruiser).
//
// Domain modules are the folders of src/ that hold the campaign's rules; each shows others only
// its index.ts. Infrastructure (db, lib, i18n, plugins, outbox) sits below every domain and imports
// none. The domains are layered: a module imports only those below it, so no cycle between modules
// can form (a cycle needs an import upwards somewhere).
const DOMAINS = ['organizers', 'partners', 'directory', 'asks', 'members', 'letters', 'delivery', 'canvassing', 'privacy']

/** What each domain may import besides infrastructure: the modules below it. */
const BELOW = {
  organizers: [],
  partners: ['organizers'],
  directory: ['organizers'],
  // Asks (campaign waves): their targets are directory states; letters are written within one.
  asks: ['directory', 'organizers'],
  members: ['directory', 'organizers'],
  letters: ['members', 'asks', 'directory', 'organizers'],
  delivery: ['letters', 'members', 'asks', 'directory', 'organizers'],
  canvassing: ['delivery', 'letters', 'members', 'asks', 'directory', 'organizers', 'partners'],
  privacy: ['canvassing', 'delivery', 'letters', 'members', 'asks', 'directory', 'organizers', 'partners'],
}
const INFRASTRUCTURE = ['db', 'lib', 'i18n', 'plugins', 'outbox']

module.exports = {
  forbidden: [
    {
      name: 'no-internals-of-another-module',
      comment: "A domain module is used through its index.ts only: its other files are its own.",
      severity: 'error',
      from: { path: `^src/(${DOMAINS.join('|')})/` },
      to: { path: `^src/(${DOMAINS.join('|')})/`, pathNot: ['^src/$1/', `^src/(${DOMAINS.join('|')})/index\\.ts$`] },
    },
    ...DOMAINS.map((domain) => ({
      name: `${domain}-imports-only-modules-below-it`,
      comment: `${domain} may use ${BELOW[domain].join(', ') || 'no other domain'} (and infrastructure): anything else is upwards, the start of a cycle.`,
      severity: 'error',
      from: { path: `^src/${domain}/` },
      to: {
        path: `^src/(${DOMAINS.join('|')})/`,
        pathNot: [`^src/(${[domain, ...BELOW[domain]].join('|')})/`],
      },
    })),
    {
      name: 'infrastructure-imports-no-domain',
      comment: 'db, lib, i18n, plugins and the outbox sit below every domain module.',
      severity: 'error',
      from: { path: `^src/(${INFRASTRUCTURE.join('|')})/` },
      to: { path: `^src/(${DOMAINS.join('|')})/` },
    },
    {
      name: 'no-circular-files',
      comment: 'Files that import each other, directly or round a loop.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    // typescript@7 has no JavaScript API for the cruiser to parse with: swc reads the TypeScript.
    parser: 'swc',
  },
}
