import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts', 'src/setup.ts', 'src/register.ts', 'src/cli.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
  external: ['vitest', /^vitest\//],
})
