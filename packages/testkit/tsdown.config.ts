import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts', 'src/peers.ts', 'src/gc.ts', 'src/program.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
})
