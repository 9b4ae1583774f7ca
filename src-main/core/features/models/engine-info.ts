// Which backends this machine runs: tfjs for training (native binding or wasm, with the reasons the
// faster ones were skipped), onnxruntime-node for sampling and training, and the execution providers
// its install has (engine/onnx/providers.ts). Loaded once and cached; the answer does not change while
// the process lives.
import type { EngineInfo } from '@shared/contract'
import { describeBackend, loadTf } from '../../engine/tf/backend'
import { installedProviders, resolveProvider, providerLabel } from '../../engine/onnx/providers'
import { describeOrtTraining } from '../../engine/onnx-train/grad-session'

let cached: Promise<EngineInfo> | null = null

async function ortStatus(): Promise<EngineInfo['sampling']> {
  try {
    const ort = (await import('onnxruntime-node')) as { env?: { versions?: { node?: string; common?: string } } }
    const versions = ort.env?.versions
    return { backend: 'onnxruntime-node', ortAvailable: true, ortVersion: versions?.node ?? versions?.common ?? null, reason: null }
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300)
    return { backend: 'tfjs', ortAvailable: false, ortVersion: null, reason: `onnxruntime-node did not load: ${reason}` }
  }
}

/** Each provider with whether it can be chosen: the install's answer, then whether a session starts. */
export async function providerInfo(): Promise<EngineInfo['providers']> {
  const auto = await resolveProvider('auto')
  const startFailure = new Map(auto.skipped.map((s) => [s.name, s.reason]))
  const list = installedProviders().map((s) => {
    const reason = s.reason ?? startFailure.get(s.name) ?? null
    return { name: s.name, label: s.label, usable: reason === null, reason }
  })
  return { auto: auto.provider, autoLabel: providerLabel(auto.provider), trainingDescription: describeOrtTraining({ provider: auto.provider }), list }
}

async function probe(): Promise<EngineInfo> {
  const [{ info }, sampling, providers] = await Promise.all([loadTf(), ortStatus(), providerInfo()])
  return {
    training: {
      backend: info.name,
      package: info.package,
      description: describeBackend(info),
      threads: info.threads,
      shimmedKernels: [...info.shimmedKernels],
      skipped: info.skipped.map((s) => ({ package: s.package, reason: s.reason }))
    },
    sampling,
    providers
  }
}

export function engineInfo(): Promise<EngineInfo> {
  if (!cached) {
    cached = probe()
    // A failed probe (say, wasm refused to start) is retried on the next call, not cached forever.
    cached.catch(() => (cached = null))
  }
  return cached
}
