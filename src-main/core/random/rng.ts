/**
 * The studio's one home for seeded (reproducible) randomness. Two generators, each kept because
 * saved state and recorded results depend on its exact stream:
 * - `Rng` (xoshiro128**) for the engine, the world, the classifier and the reports;
 * - mulberry32 (`seededRandom`, `ChainRng`) for drawing sets and routing pairs from a request's seed,
 *   and for MCMC chains, whose one-word state is stored with the chain after every decision.
 * Neither is for anything security-relevant: sides shown to annotators and tokens use node:crypto.
 *
 * `Rng`: xoshiro128** (Blackman & Vigna), 4 x uint32 of state. It is fast in plain JS
 * (only 32-bit integer ops via Math.imul and >>>), has period 2^128 - 1, and its whole state is
 * four numbers, so a checkpoint can store it as JSON and a resumed run continues the exact same
 * stream (kill-and-resume must reproduce losses bit for bit).
 *
 * Normals use Box-Muller, which yields two values per draw; the spare is cached IN the state so
 * that serialising between the two halves still resumes identically. Training noise, drawn by the
 * million every step, uses the ziggurat instead (`fillNormalZiggurat`, tables below): same
 * distribution, several times faster, and it only ever consumes whole uint32 words, so the four state
 * words alone resume it. Box-Muller stays for everything else because seeded images, the world and
 * weight init must keep their exact streams.
 */

/** Plain-JSON snapshot of a generator; round-trips through JSON.stringify/parse. */
export interface RngState {
  readonly algorithm: 'xoshiro128**'
  /** Four uint32 words; never all zero. */
  readonly s: readonly [number, number, number, number]
  /** Cached second Box-Muller output, or null when none is pending. */
  readonly spare: number | null
}

const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992

/** SplitMix32 step: spreads a seed over the 128-bit state (recommended seeding for xoshiro). */
function splitmix32(seed: number): () => number {
  let x = seed >>> 0
  return () => {
    x = (x + 0x9e3779b9) >>> 0
    let z = x
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`rng seed must be a safe integer, got ${String(seed)}`)
  }
}

/** Mixes a seed and stream labels into one 32-bit value (FNV-1a over the decimal text). */
function hashSeedParts(parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5
  const text = parts.map((p) => String(p)).join('\u0001')
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

// ---- Ziggurat tables for standard normals (Marsaglia & Tsang 2000, 256 layers) ----
//
// The density f(x) = exp(-x^2/2) on x >= 0 is covered by 256 layers of equal area v: layer 0 is the
// rectangle [0, r] x [0, f(r)] plus the tail beyond r, layers 1..255 are rectangles stacked on it,
// layer i spanning [0, x_i] x [f(x_i), f(x_{i+1})]. Equal areas give x_{i+1} = f^-1(f(x_i) + v / x_i)
// from x_1 = r; r is the one value for which that recursion reaches the top (f(x_256) = 1, x_256 = 0)
// exactly, and v = r f(r) + the tail area. The published pair is r = 3.6541528853610088,
// v = 4.92867323399e-3; here r is solved to double precision at load (the rng test checks it against
// the published value), so the tables close exactly on this machine's arithmetic. x_0 = v / f(r) is
// the width layer 0 would have as a rectangle of area v; a draw u * x_0 beyond r falls in the tail.

const ZIG_LAYERS = 256
/** f(x) = exp(-x^2/2), the unnormalised standard-normal density. */
const gaussianShape = (x: number): number => Math.exp(-0.5 * x * x)

/** The area of f beyond r, f(r) times the Mills ratio (its continued fraction, summed from the far end). */
function gaussianTailArea(r: number): number {
  let cf = r
  for (let k = 200; k >= 1; k--) cf = r + k / cf
  return gaussianShape(r) / cf
}

/** Layer edges x_0..x_256 for base-layer edge r; NaN where r is too small for the recursion to close. */
function zigguratEdges(r: number): { x: Float64Array; v: number; top: number } {
  const v = r * gaussianShape(r) + gaussianTailArea(r)
  const x = new Float64Array(ZIG_LAYERS + 1)
  x[0] = v / gaussianShape(r)
  x[1] = r
  let top = 0
  for (let i = 1; i < ZIG_LAYERS; i++) {
    const y = gaussianShape(x[i]) + v / x[i]
    if (i === ZIG_LAYERS - 1) top = y
    else x[i + 1] = y < 1 ? Math.sqrt(-2 * Math.log(y)) : Number.NaN
  }
  x[ZIG_LAYERS] = 0
  // top - 1: how far the last layer's rectangle overshoots (> 0) or falls short of (< 0) f(0) = 1.
  return { x, v, top: Number.isNaN(x[ZIG_LAYERS - 1]) ? Number.POSITIVE_INFINITY : top - 1 }
}

/** Solves for r by bisection: too small an r makes the layers overshoot the top, too large falls short. */
function solveZigguratR(): number {
  let lo = 3.5
  let hi = 3.8
  for (let k = 0; k < 200 && hi - lo > 0; k++) {
    const mid = 0.5 * (lo + hi)
    if (mid === lo || mid === hi) break
    if (zigguratEdges(mid).top > 0) lo = mid
    else hi = mid
  }
  return hi
}

/** r, v and the edges the sampler uses; exported for the rng test only. */
export const ZIGGURAT = (() => {
  const r = solveZigguratR()
  const { x, v } = zigguratEdges(r)
  /** ratio[i] = x_{i+1} / x_i: a magnitude u below it lies inside layer i's core, no density test needed. */
  const ratio = new Float64Array(ZIG_LAYERS)
  /** f at every edge, for the wedge test. */
  const fx = new Float64Array(ZIG_LAYERS + 1)
  for (let i = 0; i < ZIG_LAYERS; i++) ratio[i] = x[i + 1] / x[i]
  for (let i = 0; i <= ZIG_LAYERS; i++) fx[i] = gaussianShape(x[i])
  return { r, v, x, ratio, fx }
})()

const ZIG_X = ZIGGURAT.x
const ZIG_RATIO = ZIGGURAT.ratio
const ZIG_F = ZIGGURAT.fx
const ZIG_R = ZIGGURAT.r
const TWO_POW_30 = 1073741824

export class Rng {
  // The four state words are held as int32 (the same bits as the uint32 words getState reports): V8
  // keeps int32 fields unboxed, while uint32 values above 2^31 become heap doubles, which made every
  // draw about twice as slow.
  private s0 = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0
  private spare: number | null = null

  /** Seeds from any safe integer (negative and >32-bit values are distinct seeds). */
  constructor(seed: number) {
    assertSeed(seed)
    // Fold the high bits in so that seeds differing only above bit 31 still differ.
    const lo = seed >>> 0
    const hi = Math.floor(seed / TWO_POW_32) >>> 0
    const next = splitmix32(lo ^ Math.imul(hi, 0x9e3779b1))
    this.s0 = next() | 0
    this.s1 = next() ^ hi
    this.s2 = next() | 0
    this.s3 = next() | 0
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /**
   * An independent stream derived from a seed and labels, e.g. Rng.derive(runSeed, 'noise', step).
   * Lets callers give each purpose its own stream so adding draws in one place does not shift
   * another.
   */
  static derive(seed: number, ...labels: (number | string)[]): Rng {
    assertSeed(seed)
    const mixed = hashSeedParts([seed, ...labels])
    return new Rng(mixed + TWO_POW_32 * (hashSeedParts([...labels, seed]) & 0x1fffff))
  }

  /** Restores a generator saved by getState(); rejects anything malformed. */
  static fromState(state: unknown): Rng {
    if (typeof state !== 'object' || state === null) {
      throw new Error('rng state must be an object')
    }
    const st = state as Record<string, unknown>
    if (st.algorithm !== 'xoshiro128**') {
      throw new Error(`rng state has unknown algorithm ${JSON.stringify(st.algorithm)}`)
    }
    const s = st.s
    if (!Array.isArray(s) || s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)) {
      throw new Error('rng state field "s" must be four uint32 integers')
    }
    if (s.every((w) => w === 0)) throw new Error('rng state "s" must not be all zero')
    const spare = st.spare
    if (spare !== null && (typeof spare !== 'number' || !Number.isFinite(spare))) {
      throw new Error('rng state field "spare" must be a finite number or null')
    }
    const rng = new Rng(0)
    rng.s0 = (s[0] as number) | 0
    rng.s1 = (s[1] as number) | 0
    rng.s2 = (s[2] as number) | 0
    rng.s3 = (s[3] as number) | 0
    rng.spare = spare
    return rng
  }

  getState(): RngState {
    return { algorithm: 'xoshiro128**', s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare }
  }

  clone(): Rng {
    return Rng.fromState(this.getState())
  }

  /** Next raw uint32. */
  nextUint32(): number {
    const s0 = this.s0
    const s1 = this.s1
    const s2 = this.s2
    const s3 = this.s3
    // result = rotl(s1 * 5, 7) * 9
    const m = Math.imul(s1, 5)
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0
    const t = s1 << 9
    let n2 = s2 ^ s0
    let n3 = s3 ^ s1
    const n1 = s1 ^ n2
    const n0 = s0 ^ n3
    n2 ^= t
    n3 = (n3 << 11) | (n3 >>> 21)
    this.s0 = n0
    this.s1 = n1
    this.s2 = n2
    this.s3 = n3
    return result
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5 // 27 bits
    const lo = this.nextUint32() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53
  }

  /** Standard normal via Box-Muller; every second call returns the cached spare. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare
      this.spare = null
      return z
    }
    // 1 - uniform() lies in (0, 1], so log never sees 0.
    const u1 = 1 - this.uniform()
    const u2 = this.uniform()
    const radius = Math.sqrt(-2 * Math.log(u1))
    const angle = 2 * Math.PI * u2
    this.spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }

  /** Uniform integer in [0, n), unbiased (rejection on the top partial block). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new Error(`rng.int bound must be an integer in [1, 2^32], got ${String(n)}`)
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n)
    for (;;) {
      const x = this.nextUint32()
      if (x < limit) return x % n
    }
  }

  /** In-place Fisher-Yates shuffle; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = items[i]
      items[i] = items[j]
      items[j] = tmp
    }
    return items
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n)
    for (let i = 0; i < n; i++) out[i] = i
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = out[i]
      out[i] = out[j]
      out[j] = tmp
    }
    return out
  }

  /** Fills `out` with N(mean, std^2) draws; returns `out`. */
  fillNormal<A extends Float32Array | Float64Array>(out: A, mean = 0, std = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal()
    return out
  }

  /**
   * Standard normal by the ziggurat (tables above). Two uint32 words per try: 8 bits pick the layer,
   * 1 bit the sign, 53 bits the magnitude, all independent. About 99% of tries end at the first
   * comparison; the rest take the wedge test against f (or Marsaglia's tail algorithm in layer 0) and
   * may retry. Never touches the Box-Muller spare, so a saved state resumes it from the four words.
   */
  normalZiggurat(): number {
    for (;;) {
      const a = this.nextUint32()
      const b = this.nextUint32()
      const layer = a & 0xff
      const negative = (a & 0x100) !== 0
      const u = ((a >>> 9) * TWO_POW_30 + (b >>> 2)) / TWO_POW_53 // 23 + 30 bits, in [0, 1)
      const x = u * ZIG_X[layer]
      if (u < ZIG_RATIO[layer]) return negative ? -x : x
      if (layer === 0) {
        // The tail beyond r: Marsaglia's exact method (an exponential proposal, accepted against f).
        for (;;) {
          const e = -Math.log(1 - this.uniform()) / ZIG_R
          const y = -Math.log(1 - this.uniform())
          if (y + y >= e * e) return negative ? -(ZIG_R + e) : ZIG_R + e
        }
      }
      // The wedge between the layer's core and the curve: accept (x, y) under f, y uniform in the layer.
      const y = ZIG_F[layer] + (ZIG_F[layer + 1] - ZIG_F[layer]) * this.uniform()
      if (y < gaussianShape(x)) return negative ? -x : x
    }
  }

  /**
   * Fills `out` with N(mean, std^2) draws by the ziggurat; returns `out`. The training noise's
   * generator: a different stream from `fillNormal` for the same state, the same distribution.
   */
  fillNormalZiggurat<A extends Float32Array | Float64Array>(out: A, mean = 0, std = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normalZiggurat()
    return out
  }

  /** Fills `out` with uniform draws in [lo, hi); returns `out`. */
  fillUniform<A extends Float32Array | Float64Array>(out: A, lo = 0, hi = 1): A {
    const span = hi - lo
    for (let i = 0; i < out.length; i++) out[i] = lo + span * this.uniform()
    return out
  }

  /** Fills `out` with uniform integers in [0, n); returns `out`. */
  fillInt(out: Int32Array, n: number): Int32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.int(n)
    return out
  }
}

// ---- Draws over an Rng stream (the world's scenes and data sets) ----

export function uniformIn(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform()
}

/** Index drawn from a discrete distribution (weights need not sum to 1). */
export function sampleCategorical(rng: Rng, weights: readonly number[]): number {
  let total = 0
  for (const w of weights) total += w
  if (!(total > 0)) throw new Error('categorical weights must have a positive sum')
  let r = rng.uniform() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]
    if (r < 0) return i
  }
  return weights.length - 1
}

// ---- mulberry32: set sampling, pair routing and resumable MCMC chains ----

/** The state a seed starts from: the seed with its high bits folded in, as a uint32. */
export function seedState(seed: number): number {
  // Fold the high bits in so seeds that differ only above 2^32 still give different streams.
  return (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0
}

/** One mulberry32 step: the next uint32 state and the float in [0, 1) it yields. */
export function mulberry32Step(state: number): { state: number; value: number } {
  const next = (state + 0x6d2b79f5) >>> 0
  let t = next
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return { state: next, value: ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000 }
}

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`)
  const rng = new ChainRng(seedState(seed))
  return () => rng.next()
}

/** k distinct items drawn uniformly without replacement (partial Fisher-Yates on a copy). */
export function sampleDistinct<T>(items: readonly T[], k: number, random: () => number): T[] {
  if (!Number.isInteger(k) || k < 0 || k > items.length) throw new Error(`cannot draw ${k} distinct items from ${items.length}`)
  const pool = items.slice()
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i))
    const tmp = pool[i]
    pool[i] = pool[j]
    pool[j] = tmp
  }
  return pool.slice(0, k)
}

/** The state a chain's seed starts from (high bits folded in, as seededRandom does). */
export function initialRngState(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative safe integer, got ${seed}`)
  return seedState(seed)
}

/**
 * mulberry32 with its state exposed: `next()` returns a float in [0, 1). An MCMC chain stores `state`
 * after every decision, so a chain reopened after a restart draws exactly the proposals it would have
 * drawn without the restart.
 */
export class ChainRng {
  constructor(public state: number) {
    if (!Number.isInteger(state) || state < 0 || state > 0xffff_ffff) throw new Error(`RNG state must be a uint32, got ${state}`)
  }

  next(): number {
    const step = mulberry32Step(this.state)
    this.state = step.state
    return step.value
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`cannot draw below ${n}`)
    return Math.floor(this.next() * n)
  }
}
