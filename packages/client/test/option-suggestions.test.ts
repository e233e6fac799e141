import { startServer } from '@foo/testkit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Client, ClientError } from '../src/index.js'
import { expectThrows } from './helpers/expect.js'

function optionsError(options: object): Promise<ClientError> {
  return expectThrows(
    () => new Client({ baseUrl: 'https://api.example.com', ...options }),
    ClientError,
    'FOO_ERR_INVALID_ARGUMENT',
  )
}

describe('unknown options', () => {
  it('get a did-you-mean', async () => {
    expect((await optionsError({ timeot: 1 })).message).toContain(
      'Unknown Client option "timeot". Did you mean "timeout"?',
    )
    expect((await optionsError({ maxRedirects: 1 })).message).toContain(
      'Did you mean "maxRedirections"?',
    )
    expect((await optionsError({ hook: {} })).message).toContain('Did you mean "hooks"?')
  })

  it('carry the TLS note only when the name is about TLS', async () => {
    expect((await optionsError({ rejectUnauthorized: false })).message).toContain(
      'TLS verification cannot be turned off',
    )
    expect((await optionsError({ insecureTLS: true })).message).toContain(
      'TLS verification cannot be turned off',
    )
    const unrelated = (await optionsError({ timeot: 1 })).message
    expect(unrelated).not.toContain('TLS')
    expect((await optionsError({ colour: 'blue' })).message).not.toContain('Did you mean')
  })
})

describe('user-agent', () => {
  async function seenUserAgent(options: object, perCall: object = {}): Promise<string | undefined> {
    let seen: string | undefined
    const server = await startServer({
      handler: (req, res) => {
        seen = req.headers['user-agent']
        res.end('{}')
      },
    })
    onTestFinished(() => server.close())
    const client = new Client({ baseUrl: server.origin, ...options })
    onTestFinished(() => client.close())
    await client.get('/', perCall)
    return seen
  }
  const node = `node/${process.versions.node}`

  it('defaults to @foo/client/<version> node/<version>, the SDK part first when set', async () => {
    expect(await seenUserAgent({})).toMatch(
      new RegExp(`^@foo/client/\\d+\\.\\d+\\.\\d+\\S* ${node}$`),
    )
    expect(await seenUserAgent({ userAgent: 'acme-sdk/2.1.0' })).toMatch(
      new RegExp(`^acme-sdk/2\\.1\\.0 @foo/client/\\S+ ${node}$`),
    )
  })

  it('a user-agent header replaces the whole value, per client or per call', async () => {
    expect(await seenUserAgent({ headers: { 'user-agent': 'mine/1' } })).toBe('mine/1')
    expect(await seenUserAgent({}, { headers: { 'user-agent': 'call/2' } })).toBe('call/2')
  })

  it('a userAgent that is not a product token is refused', async () => {
    expect((await optionsError({ userAgent: 'bad\r\nx: 1' })).message).toContain(
      "such as 'acme-sdk/2.1.0'",
    )
  })
})
