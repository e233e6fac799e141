import { describe, expect, it } from 'vitest'
import { findKept, keptClients } from '../src/kept-clients.js'

describe('where a client is kept', () => {
  const client = { name: 'an SDK client' }

  it('finds it as a property, in an array, a Map, a Set or a plain object two levels down', () => {
    const roots: Array<[string, object]> = [
      ['root', { a: client }],
      ['list', { clients: [1, client] }],
      ['map', { byName: new Map([['api', client]]) }],
      ['set', { all: new Set([client]) }],
      ['deep', { cache: { sdk: { api: client } } }],
    ]
    for (const [name, root] of roots) {
      expect(findKept([client], [[name, root]]).get(client), name).toMatch(new RegExp(`^${name}`))
    }
    expect(findKept([client], [['root', { a: client }]]).get(client)).toBe('root.a')
    expect(findKept([client], [['list', { clients: [1, client] }]]).get(client)).toBe(
      'list.clients[1]',
    )
  })

  it('does not follow class instances, go deeper than that, or call getters', () => {
    class Holder {
      inner = client
    }
    const roots: Array<[string, object]> = [
      ['instance', { holder: new Holder() }],
      ['tooDeep', { a: { b: { c: { d: client } } } }],
      [
        'getter',
        Object.defineProperty({}, 'api', {
          get() {
            throw new Error('a getter must not be called')
          },
        }),
      ],
    ]
    expect(findKept([client], roots).size).toBe(0)
  })

  it('only for clients the test file created, still open and reachable', () => {
    const owner = {}
    ;(globalThis as Record<string, unknown>).__keptByTest = owner
    try {
      const entry = (file: string, extra: object = {}) => ({
        name: 'Api',
        createdAt: `    at new Api (${file}:3:13)`,
        reachable: true,
        closed: false,
        owner: new WeakRef(owner),
        ...extra,
      })
      expect(keptClients([entry('/repo/a.test.ts')], '/repo/a.test.ts')).toEqual([
        {
          name: 'Api',
          createdAt: '    at new Api (/repo/a.test.ts:3:13)',
          path: 'globalThis.__keptByTest',
        },
      ])
      expect(keptClients([entry('/repo/setup.ts')], '/repo/a.test.ts')).toEqual([])
      expect(keptClients([entry('/repo/a.test.ts', { closed: true })], '/repo/a.test.ts')).toEqual(
        [],
      )
    } finally {
      delete (globalThis as Record<string, unknown>).__keptByTest
    }
  })
})
