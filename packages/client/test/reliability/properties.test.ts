import { Client, isClientError } from '@foo/client'
import { type FaultServer, startFaultServer } from '@foo/testkit'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { KNOWN_CODES } from './helpers.js'

// Real requests to a real echo server: what the server parsed is the truth, not our own encoder.
let server: FaultServer
let client: Client
// LONG=1 (the soak run) tries ten times as many inputs; FC_RUNS overrides both.
const runs = Number(process.env.FC_RUNS ?? (process.env.LONG === '1' ? 2_000 : 200))

beforeAll(async () => {
  server = await startFaultServer({ protocol: 'http' })
  client = new Client({ baseUrl: `${server.origin}/v1`, timeout: 5_000 })
})
afterAll(async () => {
  await client?.close()
  await server?.close()
})

interface Echo {
  url: string
  headers: Record<string, string | string[]>
}

/** Calls `fn`; a sync throw or a rejection must be one of the package's typed errors. */
async function settle<T>(
  fn: () => Promise<T>,
): Promise<{ value: T } | { error: { code: string } }> {
  try {
    return { value: await fn() }
  } catch (error) {
    if (!isClientError(error) || !KNOWN_CODES.has(error.code)) {
      throw new Error(`not a typed ClientError: ${String(error)}`, { cause: error })
    }
    return { error }
  }
}

// Any UTF-16 code unit, lone surrogates included, biased towards URL and HTTP syntax.
const nasty = fc.constantFrom(
  '/',
  '?',
  '#',
  '%',
  '.',
  '..',
  '\\',
  '\r',
  '\n',
  '\0',
  ' ',
  '&',
  '=',
  '+',
  ';',
  ':',
  '@',
  '{',
  '}',
  '%2e',
  '%2F',
  '\ud800',
  'é',
  '😀',
)
const unit = fc.oneof(
  nasty,
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
)
const anyText = fc.string({ unit, maxLength: 24 })

describe('property: path templates', () => {
  it('a param never leaves its segment: it arrives percent-encoded, decodes to itself, or is refused typed', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (id) => {
        const result = await settle(() => client.get<Echo>('/a/{id}/b', { params: { id } }))
        if ('error' in result) {
          expect(result.error.code).toBe('FOO_ERR_INVALID_ARGUMENT')
          return
        }
        const path = new URL(result.value.url, 'http://x').pathname
        const segments = path.split('/')
        expect(segments).toHaveLength(5)
        expect(segments.slice(0, 3)).toEqual(['', 'v1', 'a'])
        expect(segments[4]).toBe('b')
        expect(decodeURIComponent(segments[3] as string)).toBe(id)
      }),
      { numRuns: runs },
    )
  })

  it('a param inside a segment (prefix-{id}.json) stays inside it', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (id) => {
        const result = await settle(() =>
          client.get<Echo>('/files/v-{id}.json', { params: { id } }),
        )
        if ('error' in result)
          return void expect(result.error.code).toBe('FOO_ERR_INVALID_ARGUMENT')
        const path = new URL(result.value.url, 'http://x').pathname
        expect(path.startsWith('/v1/files/v-')).toBe(true)
        expect(path.endsWith('.json')).toBe(true)
        const inner = path.slice('/v1/files/v-'.length, -'.json'.length)
        expect(inner).not.toContain('/')
        expect(decodeURIComponent(inner)).toBe(id)
      }),
      { numRuns: runs },
    )
  })

  it('any path string or params value is either sent under baseUrl or refused typed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyText,
          anyText.map((text) => `/${text}`),
        ),
        fc.oneof(
          fc.constant(undefined),
          fc.dictionary(anyText, fc.oneof(anyText, fc.integer(), fc.object())),
        ),
        async (path, params) => {
          const result = await settle(() =>
            client.get<Echo>(path, params === undefined ? {} : { params: params as never }),
          )
          if ('error' in result) return
          expect(new URL(result.value.url, 'http://x').pathname.startsWith('/v1/')).toBe(true)
        },
      ),
      { numRuns: runs },
    )
  })
})

describe('property: query serialisation', () => {
  it('the server parses back exactly the pairs given, in order, and the path is untouched', async () => {
    const value = fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constant(null))
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(anyText, fc.oneof(value, fc.array(value, { maxLength: 3 }))),
        async (query) => {
          const result = await settle(() => client.get<Echo>('/q', { query }))
          if ('error' in result)
            return void expect(result.error.code).toBe('FOO_ERR_INVALID_ARGUMENT')
          const url = new URL(result.value.url, 'http://x')
          expect(url.pathname).toBe('/v1/q')
          const expected: Array<[string, string]> = []
          for (const [key, raw] of Object.entries(query)) {
            for (const item of Array.isArray(raw) ? raw : [raw])
              expected.push([key, item === null ? '' : String(item)])
          }
          expect([...url.searchParams]).toEqual(expected)
        },
      ),
      { numRuns: runs },
    )
  })
})

describe('property: header validation', () => {
  const name = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), anyText)
  const value = fc.oneof(
    anyText,
    anyText.map((text) => `${text}\r\nx-injected: yes`),
    anyText.map((text) => `${text}\nx-injected: yes`),
  )

  it('a header either arrives whole as itself or is refused typed; nothing is injected', async () => {
    await fc.assert(
      fc.asyncProperty(name, value, async (headerName, headerValue) => {
        const result = await settle(() =>
          client.get<Echo>('/h', { headers: { [headerName]: headerValue } }),
        )
        if ('error' in result)
          return void expect(result.error.code).toBe('FOO_ERR_INVALID_ARGUMENT')
        const seen = result.value.headers
        expect(seen['x-injected']).toBeUndefined()
        const plain = /^[\t\x20-\x7e]*$/.test(headerValue)
        const reserved = /^(host|content-length|transfer-encoding|connection|x-injected)$/i.test(
          headerName,
        )
        if (plain && !reserved) {
          expect(seen[headerName.toLowerCase()]).toBe(headerValue.trim())
        }
      }),
      { numRuns: runs },
    )
  })

  it('default headers given to the constructor are validated the same way', () => {
    fc.assert(
      fc.property(name, value, (headerName, headerValue) => {
        try {
          const other = new Client({
            baseUrl: server.origin,
            headers: { [headerName]: headerValue },
          })
          onTestFinished(() => other.destroy())
          other.destroy()
          expect(headerValue).not.toMatch(/[\r\n\0]/)
        } catch (error) {
          expect(codeOf(error)).toBe('FOO_ERR_INVALID_ARGUMENT')
        }
      }),
      { numRuns: runs },
    )
  })
})

describe('property: constructor options', () => {
  it('any baseUrl either builds a client or throws FOO_ERR_INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.webUrl(), fc.anything()), (baseUrl) => {
        try {
          new Client({ baseUrl: baseUrl as string }).destroy()
          expect(String(baseUrl)).toMatch(/^https?:/i)
        } catch (error) {
          expect(codeOf(error)).toBe('FOO_ERR_INVALID_ARGUMENT')
        }
      }),
      {
        numRuns: runs,
        // Values whose String() throws: describing them in the error message must not.
        examples: [[Object.create(null)], [{ toString: null }], [Symbol('url')]],
      },
    )
  })

  it('any options object either builds a client or throws FOO_ERR_INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            timeout: fc.anything(),
            retry: fc.anything(),
            maxResponseSize: fc.anything(),
            maxRedirections: fc.anything(),
            secretParams: fc.anything(),
            headers: fc.anything(),
          },
          { requiredKeys: [] },
        ),
        (options) => {
          try {
            new Client({ baseUrl: server.origin, ...(options as object) }).destroy()
          } catch (error) {
            expect(codeOf(error)).toBe('FOO_ERR_INVALID_ARGUMENT')
          }
        },
      ),
      {
        numRuns: runs,
        // Values whose String() throws: describing them in the error message must not.
        examples: [
          [{ timeout: Object.create(null) }],
          [{ retry: { limit: { toString: [] } } }],
          [{ maxResponseSize: Symbol('size') }],
          [{ headers: Object.create(null) }],
        ],
      },
    )
  })
})

/** The typed code, or what was thrown instead, so a failure says what escaped. */
function codeOf(error: unknown): string {
  if (isClientError(error)) return error.code
  return `untyped ${(error as Error)?.name}: ${(error as Error)?.message}`
}
