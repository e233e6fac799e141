import { generate } from 'selfsigned'

/** A throwaway self-signed certificate valid for 127.0.0.1, ::1 and localhost. */
export interface Certificate {
  /** PEM certificate; also the CA a client must trust to accept it. */
  cert: string
  /** PEM private key. */
  key: string
}

let cached: Promise<Certificate> | undefined

/**
 * Makes (once per process) a self-signed certificate for local TLS servers.
 *
 * @example
 * ```ts
 * const { cert, key } = await createCertificate()
 * https.createServer({ cert, key }, handler)
 * ```
 */
export function createCertificate(): Promise<Certificate> {
  cached ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  }).then((pems) => ({ cert: pems.cert, key: pems.private }))
  return cached
}
