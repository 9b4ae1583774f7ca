// The one place every onnxruntime session (training graphs, the sampler, classifiers, the Stable
// Diffusion pipeline) takes its execution provider from: CUDA, DirectML or CoreML where the user's
// onnxruntime-node install has them, CPU otherwise.
//
// What an install has is asked of onnxruntime itself (`listSupportedBackends()`), in three steps:
// 1. listed: the binding was built with the provider (Linux x64 lists CUDA and TensorRT even in an
//    install without their files; Windows lists DirectML, macOS CoreML);
// 2. installed: bundled, or its provider library lies beside the binding (onnxruntime-node downloads
//    the CUDA files at install time, README "GPU training");
// 3. usable: a one-node session on it starts (an installed CUDA provider still needs an NVIDIA GPU, its
//    driver, CUDA 12 and cuDNN 9). Checked once per process and remembered.
// 'auto' takes the first usable GPU provider and CPU otherwise; an explicit choice of a provider that
// is not usable is refused in words, never silently replaced.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { GraphBuilder } from './graph'

/** The providers the studio uses, GPU ones in order of preference, CPU last. */
export const EXECUTION_PROVIDERS = ['cuda', 'dml', 'coreml', 'cpu'] as const
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number]
export const PROVIDER_CHOICES = ['auto', ...EXECUTION_PROVIDERS] as const
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number]

const LABELS: Record<ExecutionProvider, string> = { cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', cpu: 'CPU' }

/** "CUDA", "DirectML", "CoreML", "CPU". */
export function providerLabel(p: ExecutionProvider): string {
  return LABELS[p]
}

/** What onnxruntime-node reports: the backends its binding was built with, and whether each is bundled. */
export interface ListedBackend {
  name: string
  bundled: boolean
}

export interface ProviderStatus {
  name: ExecutionProvider
  label: string
  /** onnxruntime-node's binding was built with it. */
  listed: boolean
  /** Its files are present (bundled, or downloaded at install time). */
  installed: boolean
  /** Why it cannot be chosen; null when it can (as far as the install shows; see `checkProvider`). */
  reason: string | null
}

/** Thrown when a provider the user chose cannot run here; the message is meant for the user. */
export class ProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProviderUnavailableError'
  }
}

/** Refuses anything but a known choice, by name. Absent means 'auto'. */
export function parseProviderChoice(v: unknown): ProviderChoice {
  if (v === undefined) return 'auto'
  if (typeof v === 'string' && (PROVIDER_CHOICES as readonly string[]).includes(v)) return v as ProviderChoice
  throw new ProviderUnavailableError(`execution provider must be one of ${PROVIDER_CHOICES.join(', ')}, got ${JSON.stringify(v)}`)
}

// Provider libraries onnxruntime loads at session creation for the backends it does not bundle.
const PROVIDER_LIBRARY: Partial<Record<ExecutionProvider, Partial<Record<NodeJS.Platform, string>>>> = {
  cuda: { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' }
}

// Bundled CommonJS has `require`; the TypeScript sources under tests and tsx are ES modules.
const localRequire: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url)

/** The folder holding onnxruntime-node's native binding (where the provider libraries must lie), or null. */
function bindingDir(): string | null {
  try {
    const pkg = localRequire.resolve('onnxruntime-node/package.json')
    return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch)
  } catch {
    return null
  }
}

export const CUDA_INSTALL_HINT =
  'on a machine with internet access run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` in the studio folder (README, "GPU training"); it also needs an NVIDIA driver, CUDA 12 and cuDNN 9'

/**
 * The status of each provider the studio uses, from a `listSupportedBackends()` answer. Pure given its
 * inputs, so tests can feed it other machines' lists; `libraryPresent` says whether a non-bundled
 * provider's files are installed.
 */
export function providerStatuses(listed: readonly ListedBackend[], libraryPresent: (p: ExecutionProvider) => boolean, platform: string = `${process.platform}-${process.arch}`): ProviderStatus[] {
  return EXECUTION_PROVIDERS.map((name) => {
    const label = LABELS[name]
    const entry = listed.find((b) => b.name === name)
    if (!entry) {
      const where = name === 'dml' ? ' (Windows builds have it)' : name === 'coreml' ? ' (macOS builds have it)' : name === 'cuda' ? ' (Linux x64 builds have it)' : ''
      return { name, label, listed: false, installed: false, reason: `this onnxruntime-node build for ${platform} has no ${label} execution provider${where}` }
    }
    const installed = entry.bundled || libraryPresent(name)
    if (!installed) {
      const hint = name === 'cuda' ? `; ${CUDA_INSTALL_HINT}` : ''
      return { name, label, listed: true, installed: false, reason: `the ${label} execution provider's files are not installed in this onnxruntime-node${hint}` }
    }
    return { name, label, listed: true, installed: true, reason: null }
  })
}

let cachedStatuses: ProviderStatus[] | null = null

/** The statuses of this process's onnxruntime-node install (cached: the install does not change while it runs). */
export function installedProviders(): ProviderStatus[] {
  if (!cachedStatuses) {
    const dir = bindingDir()
    const present = (p: ExecutionProvider): boolean => {
      const file = PROVIDER_LIBRARY[p]?.[process.platform]
      return !!file && !!dir && existsSync(join(dir, file))
    }
    cachedStatuses = providerStatuses(ort.listSupportedBackends(), present)
  }
  return cachedStatuses
}

/** The providers the install can run on, for messages ("CPU" or "CUDA, CPU"). */
function installSummary(statuses: readonly ProviderStatus[]): string {
  return statuses
    .filter((s) => s.reason === null)
    .map((s) => s.label)
    .join(', ')
}

/**
 * The provider a choice names, checked against the install only (no session is started): an explicit
 * choice the install lacks is refused in words. 'auto' is resolved by `resolveProvider`.
 */
export function checkProviderChoice(choice: ProviderChoice, statuses: readonly ProviderStatus[] = installedProviders()): void {
  if (choice === 'auto') return
  const s = statuses.find((x) => x.name === choice)
  if (!s || s.reason) {
    throw new ProviderUnavailableError(
      `The ${LABELS[choice]} execution provider cannot be used: ${s?.reason ?? 'unknown provider'}. This onnxruntime-node runs on: ${installSummary(statuses)}. Choose Auto or CPU to run without it.`
    )
  }
}

// Whether a session starts on each installed GPU provider: one tiny session each, once per process.
const started = new Map<ExecutionProvider, Promise<string | null>>()

function probeGraph(): Uint8Array {
  const g = new GraphBuilder('provider-probe')
  g.output(g.op('Add', [g.input('x', [1, 4]), g.constFloat(1)]), 'y')
  return g.toBytes()
}

/** Null when a session starts on `p` (with nothing moved to CPU silently), else onnxruntime's reason. */
function startsOn(p: ExecutionProvider): Promise<string | null> {
  let hit = started.get(p)
  if (!hit) {
    hit = (async () => {
      try {
        const s = await ort.InferenceSession.create(probeGraph(), { executionProviders: [p], logSeverityLevel: 3 })
        await s.release()
        return null
      } catch (e) {
        return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300)
      }
    })()
    started.set(p, hit)
  }
  return hit
}

/** Why 'auto' did not take each GPU provider, for the engine info ("CUDA: files not installed"). */
export interface ProviderResolution {
  provider: ExecutionProvider
  /** The GPU providers passed over, each with its reason. */
  skipped: { name: ExecutionProvider; reason: string }[]
}

/**
 * The provider a choice runs on. 'auto' takes the first GPU provider that is installed and starts, else
 * CPU, and says why it passed over each; an explicit choice is checked (install, then a session) and
 * refused with the reason in words when it cannot run.
 */
export async function resolveProvider(choice: ProviderChoice = 'auto', statuses: readonly ProviderStatus[] = installedProviders()): Promise<ProviderResolution> {
  if (choice !== 'auto') {
    checkProviderChoice(choice, statuses)
    if (choice !== 'cpu') {
      const failure = await startsOn(choice)
      if (failure) throw new ProviderUnavailableError(`The ${LABELS[choice]} execution provider is installed but could not start: ${failure}. Choose Auto or CPU to run without it.`)
    }
    return { provider: choice, skipped: [] }
  }
  const skipped: ProviderResolution['skipped'] = []
  for (const s of statuses) {
    if (s.name === 'cpu') break
    if (s.reason) {
      if (s.listed) skipped.push({ name: s.name, reason: s.reason })
      continue
    }
    const failure = await startsOn(s.name)
    if (!failure) return { provider: s.name, skipped }
    skipped.push({ name: s.name, reason: `installed but could not start: ${failure}` })
  }
  return { provider: 'cpu', skipped }
}

/** The session option: the provider, then CPU for any node it has no kernel for. */
export function executionProvidersFor(p: ExecutionProvider): string[] {
  return p === 'cpu' ? ['cpu'] : [p, 'cpu']
}
