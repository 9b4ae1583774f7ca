// Messages between the sampling host (any caller's thread) and the sampler worker. Every request carries
// an id the answer repeats; plain structured-clone data only (typed arrays are transferred back).
import type { OpenOptions, SampleBatch, SamplerInfo, SamplerModel } from './model'

export type SamplingRequest =
  | { type: 'open'; id: number; model: SamplerModel; options: OpenOptions }
  | { type: 'sample'; id: number; handle: number; batch: SampleBatch }
  | { type: 'cancel'; id: number; target: number }
  | { type: 'release'; id: number; handle: number }

export type SamplingAnswer =
  | { type: 'opened'; id: number; handle: number; info: SamplerInfo; fallback: string | null }
  | { type: 'images'; id: number; pixels: Float32Array }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'released'; id: number }
  | { type: 'failed'; id: number; name: string; message: string }

export function isSamplingRequest(m: unknown): m is SamplingRequest {
  const r = m as { type?: unknown; id?: unknown } | null
  return typeof r?.id === 'number' && (r.type === 'open' || r.type === 'sample' || r.type === 'cancel' || r.type === 'release')
}
