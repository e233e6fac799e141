import { createRequire } from 'node:module'

// The Node modules the tracker patches, taken through require() rather than `import`: in
// Vitest's vm pools an `import` of a builtin makes the test realm's module record for it,
// copying its exports at that moment, so a patch applied afterwards would not reach the test's
// own `import { watch } from 'node:fs/promises'`. Patched first, the record is made from the
// patched exports.
const require = createRequire(import.meta.url)

/** `node:fs` */
export const fs: typeof import('node:fs') = require('node:fs')
/** `node:fs/promises` */
export const fsPromises: typeof import('node:fs/promises') = require('node:fs/promises')
/** `node:http` */
export const http: typeof import('node:http') = require('node:http')
/** `node:http2` */
export const http2: typeof import('node:http2') = require('node:http2')
/** `node:net` */
export const net: typeof import('node:net') = require('node:net')
/** `node:timers` */
export const timers: typeof import('node:timers') = require('node:timers')
/** `node:timers/promises` */
export const timersPromises: typeof import('node:timers/promises') = require('node:timers/promises')
/** `node:worker_threads` */
export const workerThreads: typeof import('node:worker_threads') = require('node:worker_threads')
