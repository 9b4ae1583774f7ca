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
    // Installs (once, cached in .cache/) the managed Python environment the trainer tests use.
    globalSetup: ['test/setup/python-env.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for UI and job state; 1 s (the default) is too short when the 2 cores are
    // saturated by the browser suites, while a real failure still fails, only later.
    expect: { poll: { timeout: 10_000 } },
    // Two cores: heavy engine and browser suites must not all run at once.
    maxWorkers: 2,
    fileParallelism: true
  }
})
