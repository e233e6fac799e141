import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoDir } from './consumer.js'

/** A package README's text. */
export function readme(pkg: 'client' | 'leakcheck'): string {
  return readFileSync(path.join(repoDir, 'packages', pkg, 'README.md'), 'utf8')
}

/** The fenced code blocks of a markdown text, with their info string (`ts`, `sh`, `json`...). */
export function codeBlocks(markdown: string): Array<{ lang: string; code: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
    lang: match[1] ?? '',
    code: match[2] ?? '',
  }))
}

/** The one code block that contains `needle`; throws (failing the test) if none or several do. */
export function codeBlock(markdown: string, needle: string): string {
  const found = codeBlocks(markdown).filter((block) => block.code.includes(needle))
  if (found.length !== 1) {
    throw new Error(
      `expected one README code block with ${JSON.stringify(needle)}, found ${found.length}`,
    )
  }
  return (found[0] as { code: string }).code
}
