import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const root = resolve(__dirname, '..')

export default defineConfig({
  root,
  plugins: [svelte({ configFile: false })],
  resolve: { alias: { '@shared': resolve(root, 'src-main/shared') } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: heavy engine and browser suites must not all run at once.
    maxWorkers: 2,
    fileParallelism: true
  }
})
