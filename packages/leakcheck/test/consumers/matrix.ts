// The CommonJS/TypeScript consumer matrix both READMEs publish, as data: the tests beside this
// file measure every row, and check that each README shows exactly renderMatrix() of it.

/** A `require()` from a CommonJS file, on the Node running the test. */
export interface RequireRow {
  spec: string
  /** `undefined`: it loads; else the error code it fails with. */
  error?: string
  note: string
}

/** A TypeScript CommonJS project (`"type": "commonjs"`) importing both packages. */
export interface TypescriptRow {
  module: string
  moduleResolution?: string
  /** TypeScript minors, each measured with {@link TYPESCRIPT_VERSIONS}' exact version. */
  versions: string[]
  /** `undefined`: compiles, and the output runs; else the first error code tsc reports. */
  error?: string
  note: string
}

/** Exact versions measured for each minor (6.0 is the workspace's own). */
export const TYPESCRIPT_VERSIONS: Readonly<Record<string, string>> = {
  '5.4': '5.4.5',
  '5.5': '5.5.4',
  '5.6': '5.6.3',
  '5.7': '5.7.3',
  '5.8': '5.8.3',
  '5.9': '5.9.3',
  '6.0': '6.0.3',
}

/** The Node versions the README names as measured (the matrix runs the require rows on each). */
export const NODE_MEASURED = '20.19.0, 20.20.2, 22.23.3, 24.21.0 and 26.12.1'

export const REQUIRE_ROWS: Readonly<Record<'client' | 'leakcheck', RequireRow[]>> = {
  client: [
    { spec: '@foo/client', note: "works (Node's `require(esm)`, no warning)" },
    { spec: '@foo/client/lifecycle', note: 'works' },
  ],
  leakcheck: [
    { spec: '@foo/leakcheck', note: "works (Node's `require(esm)`, no warning)" },
    {
      spec: '@foo/leakcheck/register',
      error: 'ERR_REQUIRE_ASYNC_MODULE',
      note: 'fails with `ERR_REQUIRE_ASYNC_MODULE` (it has a top-level `await`): preload it with `node --import @foo/leakcheck/register`',
    },
  ],
}

export const TYPESCRIPT_ROWS: readonly TypescriptRow[] = [
  { module: 'nodenext', versions: ['5.8', '5.9', '6.0'], note: 'compiles, and the output runs' },
  {
    module: 'nodenext',
    versions: ['5.4', '5.5', '5.6', '5.7'],
    error: 'TS1479',
    note: 'TS1479: an ES module cannot be imported from CommonJS',
  },
  { module: 'node20', versions: ['5.9', '6.0'], note: 'compiles, and the output runs' },
  { module: 'node16', versions: ['5.8', '5.9', '6.0'], error: 'TS1479', note: 'TS1479' },
  {
    module: 'commonjs',
    moduleResolution: 'node10',
    versions: ['5.8', '5.9'],
    error: 'TS2307',
    note: 'TS2307: node10 resolution does not read `exports` (TS 6.0 rejects node10 itself, TS5107)',
  },
]

function settings(row: TypescriptRow): string {
  const module = `\`"module": "${row.module}"\``
  return row.moduleResolution === undefined
    ? module
    : `${module}, \`"moduleResolution": "${row.moduleResolution}"\``
}

/**
 * The README section for one package: ESM, `require()` on Node, TypeScript CommonJS projects.
 */
export function renderMatrix(pkg: 'client' | 'leakcheck'): string {
  const lines = [
    '| Consumer | Result |',
    '| --- | --- |',
    `| \`import\` (ESM), Node 20.19+ or 22.12+ | works |`,
    ...REQUIRE_ROWS[pkg].map(
      (row) => `| \`require('${row.spec}')\` (CommonJS), Node 20.19+ or 22.12+ | ${row.note} |`,
    ),
    ...TYPESCRIPT_ROWS.map(
      (row) =>
        `| TypeScript ${row.versions.join(', ')}, CommonJS project, ${settings(row)} | ${row.note} |`,
    ),
  ]
  const versions = Object.values(TYPESCRIPT_VERSIONS).join(', ')
  return `${lines.join('\n')}\n\nMeasured on Node ${NODE_MEASURED} with TypeScript ${versions}.`
}
