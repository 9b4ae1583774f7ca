// Execution providers from one place (engine/onnx/providers.ts), tested against the list this
// machine's onnxruntime-node reports (CPU only: no GPU, no CUDA files installed) and against the
// lists other platforms' builds report.
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import {
  checkProviderChoice,
  executionProvidersFor,
  installedProviders,
  parseProviderChoice,
  providerStatuses,
  resolveProvider,
  type ListedBackend
} from '../../../src-main/core/engine/onnx/providers'
import { describeOrtBackend, OrtRunner, sessionOptions } from '../../../src-main/core/engine/onnx/ort-runner'
import { GraphBuilder } from '../../../src-main/core/engine/onnx/graph'
import { checkBackendProvider } from '../../../src-main/core/engine/train/backend-name'

const none = (): boolean => false

describe('execution providers on this install', () => {
  it('reads the list onnxruntime reports: CPU usable, every GPU provider with its reason', () => {
    const listed = ort.listSupportedBackends()
    expect(listed.some((b) => b.name === 'cpu' && b.bundled)).toBe(true)
    const statuses = installedProviders()
    expect(statuses.map((s) => s.name)).toEqual(['cuda', 'dml', 'coreml', 'cpu'])
    expect(statuses.find((s) => s.name === 'cpu')).toMatchObject({ listed: true, installed: true, reason: null })
    for (const s of statuses.filter((x) => x.name !== 'cpu')) {
      expect(s.reason, s.name).toBeTruthy()
      expect(s.listed).toBe(listed.some((b) => b.name === s.name))
    }
    if (process.platform === 'linux' && process.arch === 'x64') {
      // The Linux x64 binding is built with CUDA, but its files are not installed here (.npmrc skips them).
      expect(statuses.find((s) => s.name === 'cuda')).toMatchObject({ listed: true, installed: false })
      expect(statuses.find((s) => s.name === 'cuda')!.reason).toMatch(/files are not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/)
    }
  })

  it("'auto' runs on the CPU here and says why it passed over each GPU provider onnxruntime lists", async () => {
    const r = await resolveProvider('auto')
    expect(r.provider).toBe('cpu')
    const listedGpu = installedProviders().filter((s) => s.listed && s.name !== 'cpu')
    expect(r.skipped.map((s) => s.name)).toEqual(listedGpu.map((s) => s.name))
  })

  it('refuses a chosen provider that is absent, in plain words, and never swaps in another', async () => {
    await expect(resolveProvider('cuda')).rejects.toThrow(/^The CUDA execution provider cannot be used: .*\. This onnxruntime-node runs on: CPU\. Choose Auto or CPU to run without it\.$/)
    await expect(resolveProvider('dml')).rejects.toThrow(
      /The DirectML execution provider cannot be used: this onnxruntime-node build for \S+ has no DirectML execution provider \(Windows builds have it\)/
    )
    await expect(resolveProvider('coreml')).rejects.toThrow(/no CoreML execution provider \(macOS builds have it\)/)
    await expect(OrtRunner.fromBytes(probeModel(), { provider: 'cuda' })).rejects.toThrow(/The CUDA execution provider cannot be used/)
    expect((await resolveProvider('cpu')).provider).toBe('cpu')
    expect(() => parseProviderChoice('gpu')).toThrow(/execution provider must be one of auto, cuda, dml, coreml, cpu, got "gpu"/)
    expect(parseProviderChoice(undefined)).toBe('auto')
  })

  it('gives every session the resolved provider and names it in the backend line', async () => {
    const runner = await OrtRunner.fromBytes(probeModel())
    expect(runner.provider).toBe('cpu')
    const out = await runner.run({ x: { data: Float32Array.from([1, 2]), dims: [1, 2] } })
    expect(Array.from(out.y.data)).toEqual([2, 3])
    await runner.dispose()
    expect(sessionOptions({}).executionProviders).toEqual(['cpu'])
    expect(sessionOptions({}, 'cuda').executionProviders).toEqual(['cuda', 'cpu'])
    expect(executionProvidersFor('dml')).toEqual(['dml', 'cpu'])
    expect(describeOrtBackend({}, 'cuda')).toMatch(/\(CUDA, 2 threads\)$/)
  })

  it('refuses a GPU provider for the tfjs engine and an absent one for onnxruntime', () => {
    expect(() => checkBackendProvider('tfjs', 'cuda')).toThrow(/CUDA execution provider is for the onnxruntime engine; tfjs trains on the CPU/)
    expect(() => checkBackendProvider('tfjs', 'auto')).not.toThrow()
    expect(() => checkBackendProvider('onnxruntime', 'cpu')).not.toThrow()
    expect(() => checkBackendProvider('onnxruntime', 'dml')).toThrow(/DirectML execution provider cannot be used/)
  })
})

describe('execution providers of other builds', () => {
  const linux: ListedBackend[] = [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
    { name: 'tensorrt', bundled: false }
  ]
  const windows: ListedBackend[] = [
    { name: 'cpu', bundled: true },
    { name: 'dml', bundled: true },
    { name: 'webgpu', bundled: true }
  ]
  const mac: ListedBackend[] = [
    { name: 'cpu', bundled: true },
    { name: 'coreml', bundled: true }
  ]

  it('counts CUDA as installed only when its provider library is present', () => {
    const without = providerStatuses(linux, none, 'linux-x64')
    expect(without.find((s) => s.name === 'cuda')).toMatchObject({ listed: true, installed: false })
    const withFiles = providerStatuses(linux, (p) => p === 'cuda', 'linux-x64')
    expect(withFiles.find((s) => s.name === 'cuda')).toMatchObject({ listed: true, installed: true, reason: null })
    expect(() => checkProviderChoice('cuda', withFiles)).not.toThrow()
    expect(() => checkProviderChoice('cuda', without)).toThrow(/files are not installed.*This onnxruntime-node runs on: CPU\./)
  })

  it('offers DirectML on Windows builds and CoreML on macOS builds', () => {
    const win = providerStatuses(windows, none, 'win32-x64')
    expect(win.filter((s) => s.reason === null).map((s) => s.name)).toEqual(['dml', 'cpu'])
    expect(() => checkProviderChoice('dml', win)).not.toThrow()
    expect(() => checkProviderChoice('cuda', win)).toThrow(/no CUDA execution provider \(Linux x64 builds have it\)/)
    const macos = providerStatuses(mac, none, 'darwin-arm64')
    expect(macos.filter((s) => s.reason === null).map((s) => s.name)).toEqual(['coreml', 'cpu'])
  })
})

function probeModel(): Uint8Array {
  const g = new GraphBuilder('providers-test')
  g.output(g.op('Add', [g.input('x', [1, 2]), g.constFloat(1)]), 'y')
  return g.toBytes()
}
