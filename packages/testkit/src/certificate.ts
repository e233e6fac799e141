import { generate } from 'selfsigned'

/** A throwaway self-signed certificate valid for 127.0.0.1, ::1 and localhost. */
export interface Certificate {
  /** PEM certificate; also the CA a client must trust to accept it. */
  cert: string
  /** PEM private key. */
  key: string
}

const cached = new Map<string, Promise<Certificate>>()

/**
 * Makes (once per process and common name) a self-signed certificate for local TLS servers. Two
 * servers whose certificates must be told apart by a client trusting both need two names: TLS
 * looks an issuer up by its name.
 *
 * @example
 * ```ts
 * const { cert, key } = await createCertificate()
 * https.createServer({ cert, key }, handler)
 * ```
 */
export function createCertificate(commonName = 'localhost'): Promise<Certificate> {
  const made = cached.get(commonName)
  if (made !== undefined) return made
  const making = generate([{ name: 'commonName', value: commonName }], {
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
  cached.set(commonName, making)
  return making
}
