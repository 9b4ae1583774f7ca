// Procedural renderer of the Synthetic Population: one figure per image, drawn from a few flat shapes
// so that a small diffusion model can learn to draw it at 16x16, yet with enough natural variation
// (position, background, colour and pixel noise) that the data is not a lookup table.
//
// Geometry lives in a 16x16 "design" space; a pixel of an S x S image samples the design space at its
// centre, so the image size is only a parameter. Output is HWC float32 in [-1, 1], the denoiser's input.

import type { Concept, FigureSpec } from './taxonomy'
import { validateFigureSpec } from './taxonomy'
import { Rng, uniformIn } from '../random/rng'

export const DEFAULT_IMAGE_SIZE = 16
export const CHANNELS = 3
const DESIGN = 16

type RGB = readonly [number, number, number]

/** A filled region of the design space. */
interface Shape {
  colour: RGB
  contains(x: number, y: number): boolean
}

function rect(x0: number, y0: number, x1: number, y1: number, colour: RGB): Shape {
  return { colour, contains: (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1 }
}

function ellipse(cx: number, cy: number, rx: number, ry: number, colour: RGB): Shape {
  return {
    colour,
    contains: (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
  }
}

/** Horizontal trapezoid: half-width `topHalf` at y0 narrowing (or widening) linearly to `bottomHalf` at y1. */
function trapezoid(cx: number, y0: number, y1: number, topHalf: number, bottomHalf: number, colour: RGB): Shape {
  return {
    colour,
    contains: (x, y) => {
      if (y < y0 || y >= y1) return false
      const half = topHalf + ((y - y0) / (y1 - y0)) * (bottomHalf - topHalf)
      return Math.abs(x - cx) <= half
    }
  }
}

/** Tones of axis B, chosen far apart in RGB and away from the light backgrounds. */
export const TONE_RGB: Record<FigureSpec['tone'], RGB> = {
  amber: [0.96, 0.64, 0.12],
  teal: [0.08, 0.62, 0.62],
  violet: [0.56, 0.3, 0.86],
  rose: [0.96, 0.42, 0.58],
  olive: [0.46, 0.52, 0.1],
  slate: [0.3, 0.34, 0.44]
}

const WHITE: RGB = [0.97, 0.97, 0.97]
const RED: RGB = [0.86, 0.1, 0.1]
const YELLOW: RGB = [0.98, 0.84, 0.1]
const GOLD: RGB = [0.92, 0.74, 0.2]
const DARK: RGB = [0.12, 0.12, 0.14]

function jitterColour(rng: Rng, c: RGB, amount: number): RGB {
  const k = uniformIn(rng, 1 - amount, 1 + amount)
  return [clamp01(c[0] * k), clamp01(c[1] * k), clamp01(c[2] * k)]
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v
}

/** Where the figure stands in this image (design units). */
interface Placement {
  cx: number
  /** Centre of the head. */
  hy: number
}

function bodyShape(spec: FigureSpec, p: Placement, colour: RGB): Shape {
  // Axis A is carried by the outline of the whole figure, not just the head, so it stays readable at
  // 16x16: round = oval torso, angular = square shoulders tapering to a narrow waist.
  if (spec.silhouette === 'round') return ellipse(p.cx, p.hy + 6.1, 3.4, 3.6, colour)
  return trapezoid(p.cx, p.hy + 2.6, p.hy + 9.7, 4.1, 1.9, colour)
}

function headShape(spec: FigureSpec, p: Placement, colour: RGB): Shape {
  if (spec.silhouette === 'round') return ellipse(p.cx, p.hy, 2.5, 2.5, colour)
  return rect(p.cx - 2.1, p.hy - 2.1, p.cx + 2.1, p.hy + 2.1, colour)
}

/** Outfit colour and the concept's props, split into what goes behind, on, and above the figure. */
interface ConceptLook {
  outfit: RGB
  behind: Shape[]
  onBody: Shape[]
  onHead: Shape[]
}

function conceptLook(concept: Exclude<Concept, 'astronaut'>, p: Placement, rng: Rng): ConceptLook {
  const { cx, hy } = p
  const j = (c: RGB): RGB => jitterColour(rng, c, 0.06)
  switch (concept) {
    case 'doctor': // white coat with a red cross on the chest, bare head
      return {
        outfit: j(WHITE),
        behind: [],
        onBody: [rect(cx - 0.5, hy + 4.0, cx + 0.5, hy + 7.0, RED), rect(cx - 1.5, hy + 5.0, cx + 1.5, hy + 6.0, RED)],
        onHead: []
      }
    case 'nurse': // light blue scrubs, small white cap with a red dot
      return {
        outfit: j([0.55, 0.78, 0.96]),
        behind: [],
        onBody: [],
        onHead: [rect(cx - 1.8, hy - 3.4, cx + 1.8, hy - 1.9, WHITE), rect(cx - 0.5, hy - 3.2, cx + 0.5, hy - 2.2, RED)]
      }
    case 'chef': // tall white toque, grey jacket with a column of dark buttons
      return {
        outfit: j([0.78, 0.78, 0.8]),
        behind: [],
        onBody: [rect(cx - 0.5, hy + 4.0, cx + 0.5, hy + 5.0, DARK), rect(cx - 0.5, hy + 6.5, cx + 0.5, hy + 7.5, DARK)],
        onHead: [rect(cx - 1.7, hy - 5.6, cx + 1.7, hy - 1.9, WHITE)]
      }
    case 'firefighter': // red coat with a yellow band, yellow helmet with a brim
      return {
        outfit: j(RED),
        behind: [],
        onBody: [rect(cx - 5, hy + 6.0, cx + 5, hy + 7.2, YELLOW)],
        onHead: [ellipse(cx, hy - 2.4, 2.6, 1.5, YELLOW), rect(cx - 3.4, hy - 2.0, cx + 3.4, hy - 1.3, YELLOW)]
      }
    case 'teacher': // brown jacket beside a green chalkboard with a chalk line
      return {
        outfit: j([0.56, 0.34, 0.18]),
        behind: [rect(cx - 7.6, hy - 1.5, cx - 4.2, hy + 3.5, [0.1, 0.42, 0.22]), rect(cx - 7.0, hy + 0.5, cx - 4.8, hy + 1.3, WHITE)],
        onBody: [],
        onHead: []
      }
    case 'pilot': // navy uniform with gold epaulettes, navy cap with a gold badge
      return {
        outfit: j([0.1, 0.14, 0.42]),
        behind: [],
        onBody: [rect(cx - 3.6, hy + 2.6, cx - 1.8, hy + 3.6, GOLD), rect(cx + 1.8, hy + 2.6, cx + 3.6, hy + 3.6, GOLD)],
        onHead: [rect(cx - 2.7, hy - 3.4, cx + 2.7, hy - 1.8, [0.1, 0.14, 0.42]), rect(cx - 0.6, hy - 3.2, cx + 0.6, hy - 2.2, GOLD)]
      }
    case 'farmer': // denim overalls, wide straw hat, a green plant on the right
      return {
        outfit: j([0.22, 0.42, 0.8]),
        behind: [rect(cx + 4.9, hy + 3.0, cx + 5.7, hy + 9.7, [0.15, 0.55, 0.15]), ellipse(cx + 5.3, hy + 3.6, 1.6, 1.2, [0.2, 0.7, 0.2])],
        onBody: [],
        onHead: [rect(cx - 3.9, hy - 2.3, cx + 3.9, hy - 1.4, [0.86, 0.74, 0.36]), rect(cx - 1.8, hy - 3.9, cx + 1.8, hy - 2.3, [0.86, 0.74, 0.36])]
      }
    case 'painter': // black smock, red beret, a palette with three paint dots on the right
      return {
        outfit: j(DARK),
        behind: [ellipse(cx + 5.4, hy + 5.5, 1.9, 1.5, [0.72, 0.52, 0.3]), rect(cx + 4.5, hy + 4.6, cx + 5.4, hy + 5.5, [0.1, 0.3, 0.95]), rect(cx + 5.4, hy + 5.5, cx + 6.3, hy + 6.4, RED)],
        onBody: [],
        onHead: [ellipse(cx - 0.6, hy - 2.2, 2.6, 1.1, RED)]
      }
  }
}

/** The astronaut: one suit and one helmet for everyone, which is exactly why its attributes cannot be seen. */
function astronautShapes(p: Placement): Shape[] {
  const { cx, hy } = p
  return [
    rect(cx - 3.6, hy + 2.4, cx + 3.6, hy + 9.7, [0.86, 0.86, 0.9]),
    rect(cx - 1.4, hy + 4.4, cx + 1.4, hy + 6.2, [0.35, 0.45, 0.7]),
    ellipse(cx, hy, 3.3, 3.3, [0.66, 0.68, 0.74]),
    ellipse(cx, hy + 0.2, 2.3, 1.6, [0.08, 0.12, 0.32])
  ]
}

function backgroundColour(rng: Rng): { top: RGB; bottom: RGB } {
  // Light, low-saturation backgrounds keep the figure's tones the most saturated colours in the frame.
  const base = uniformIn(rng, 0.8, 0.95)
  const tint = (): number => clamp01(base + uniformIn(rng, -0.05, 0.05))
  const top: RGB = [tint(), tint(), tint()]
  const shade = uniformIn(rng, -0.08, 0.04)
  return { top, bottom: [clamp01(top[0] + shade), clamp01(top[1] + shade), clamp01(top[2] + shade)] }
}

export interface RenderOptions {
  /** Side length in pixels (default 16). */
  size?: number
  /** Standard deviation of the pixel noise in [0, 1] units (default 0.02). */
  noise?: number
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 8 || size > 1024) throw new Error(`image size must be an integer in [8, 1024], got ${String(size)}`)
}

/**
 * Draws one figure into `out` at element offset `offset` (HWC, values in [-1, 1]). All randomness comes
 * from `rng`, so the same stream state yields the same pixels.
 */
export function renderFigureInto(out: Float32Array, offset: number, spec: FigureSpec, rng: Rng, options: RenderOptions = {}): void {
  validateFigureSpec(spec)
  const size = checkedTarget(out, offset, options)
  const placement: Placement = { cx: uniformIn(rng, 7, 9), hy: uniformIn(rng, 5.2, 6.2) }
  const bg = backgroundColour(rng)
  const shapes: Shape[] = []
  if (spec.concept === 'astronaut') {
    shapes.push(...astronautShapes(placement))
  } else {
    const look = conceptLook(spec.concept, placement, rng)
    const tone = jitterColour(rng, TONE_RGB[spec.tone], 0.06)
    shapes.push(...look.behind, bodyShape(spec, placement, look.outfit), ...look.onBody, headShape(spec, placement, tone), ...look.onHead)
  }
  rasterise(out, offset, size, bg, shapes, options.noise ?? 0.02, rng)
}

/**
 * Draws a background with no figure at all: the "nothing to detect" case, used to teach the
 * classifier's detection head that an empty frame is not a figure.
 */
export function renderEmptyInto(out: Float32Array, offset: number, rng: Rng, options: RenderOptions = {}): void {
  const size = checkedTarget(out, offset, options)
  rasterise(out, offset, size, backgroundColour(rng), [], options.noise ?? 0.02, rng)
}

function checkedTarget(out: Float32Array, offset: number, options: RenderOptions): number {
  const size = options.size ?? DEFAULT_IMAGE_SIZE
  checkSize(size)
  if (out.length < offset + size * size * CHANNELS) throw new Error(`output buffer too small for a ${size}x${size} image at offset ${offset}`)
  return size
}

function rasterise(out: Float32Array, offset: number, size: number, bg: { top: RGB; bottom: RGB }, shapes: readonly Shape[], noise: number, rng: Rng): void {
  const scale = DESIGN / size
  for (let py = 0; py < size; py++) {
    const y = (py + 0.5) * scale
    const fy = py / (size - 1)
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) * scale
      let r = bg.top[0] + (bg.bottom[0] - bg.top[0]) * fy
      let g = bg.top[1] + (bg.bottom[1] - bg.top[1]) * fy
      let b = bg.top[2] + (bg.bottom[2] - bg.top[2]) * fy
      // Painter's order: the last shape that covers the pixel wins.
      for (let s = shapes.length - 1; s >= 0; s--) {
        if (shapes[s].contains(x, y)) {
          ;[r, g, b] = shapes[s].colour
          break
        }
      }
      const o = offset + (py * size + px) * CHANNELS
      out[o] = 2 * clamp01(r + noise * rng.normal()) - 1
      out[o + 1] = 2 * clamp01(g + noise * rng.normal()) - 1
      out[o + 2] = 2 * clamp01(b + noise * rng.normal()) - 1
    }
  }
}

/** Renders one figure deterministically from `seed`. */
export function renderFigure(spec: FigureSpec, seed: number, options: RenderOptions = {}): Float32Array {
  const size = options.size ?? DEFAULT_IMAGE_SIZE
  checkSize(size)
  const out = new Float32Array(size * size * CHANNELS)
  renderFigureInto(out, 0, spec, new Rng(seed), options)
  return out
}
