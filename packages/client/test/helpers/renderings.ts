import { inspect } from 'node:util'

/** Every way a user or a logger turns an error into text: none may show a secret. */
export function renderings(value: unknown): string[] {
  const error = value as Error & { url?: unknown; cause?: unknown }
  return [
    String(value),
    error.message ?? '',
    error.stack ?? '',
    inspect(value, { depth: 8, showHidden: true }),
    JSON.stringify(value) ?? '',
    String(error.url ?? ''),
    inspect(error.cause, { depth: 8, showHidden: true }),
  ]
}

/** Fails with the first rendering of `value` that contains one of `secrets`. */
export function secretsShown(value: unknown, secrets: readonly string[]): string[] {
  return renderings(value).flatMap((text) => secrets.filter((secret) => text.includes(secret)))
}
