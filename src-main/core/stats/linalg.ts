// Small dense symmetric linear algebra for the Frechet distance: row-major Float64Array matrices, a
// cyclic Jacobi eigendecomposition (simple, unconditionally stable for symmetric input, and accurate
// for the small eigenvalues a covariance has) and the PSD square root built from it.

export interface SymmetricEigen {
  values: Float64Array
  /** Column j is the eigenvector of values[j] (row-major n x n); null when only values were asked for. */
  vectors: Float64Array | null
}

const MAX_SWEEPS = 60

/**
 * Eigenvalues (and optionally eigenvectors) of the symmetric n x n matrix `a`. The input is not
 * modified. Asymmetry beyond rounding is an error: the caller passed the wrong matrix.
 */
export function symmetricEigen(a: Float64Array, n: number, wantVectors = true): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`matrix must have ${n}x${n} = ${n * n} entries, got ${a.length}`)
  const m = new Float64Array(a)
  let scale = 0
  for (let i = 0; i < m.length; i++) {
    if (!Number.isFinite(m[i])) throw new Error(`matrix entry ${i} is ${m[i]}`)
    scale = Math.max(scale, Math.abs(m[i]))
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(m[i * n + j] - m[j * n + i]) > 1e-8 * Math.max(1, scale)) throw new Error(`matrix is not symmetric at (${i}, ${j})`)
      // Average the two halves so rounding asymmetry does not bias the rotations.
      const avg = 0.5 * (m[i * n + j] + m[j * n + i])
      m[i * n + j] = avg
      m[j * n + i] = avg
    }
  }
  const v = wantVectors ? identity(n) : null
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j] * m[i * n + j]
    if (off <= 1e-30 * Math.max(1e-300, scale * scale)) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]
        if (apq === 0) continue
        const app = m[p * n + p]
        const aqq = m[q * n + q]
        // Rotation angle that zeroes m[p][q] (Golub & Van Loan, "symmetric Schur decomposition").
        const theta = (aqq - app) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]
          const mkq = m[k * n + q]
          m[k * n + p] = c * mkp - s * mkq
          m[k * n + q] = s * mkp + c * mkq
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]
          const mqk = m[q * n + k]
          m[p * n + k] = c * mpk - s * mqk
          m[q * n + k] = s * mpk + c * mqk
        }
        if (v) {
          for (let k = 0; k < n; k++) {
            const vkp = v[k * n + p]
            const vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
  }
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = m[i * n + i]
  return { values, vectors: v }
}

export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) out[i * n + i] = 1
  return out
}

export function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]
      if (aik === 0) continue
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j]
    }
  }
  return out
}

/**
 * a * b when the caller knows the product is symmetric (e.g. (R S) R with R, S symmetric): only the
 * upper triangle is computed and then mirrored, which saves half the multiply-adds of that product.
 */
export function matmulSymmetricResult(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]
      if (aik === 0) continue
      for (let j = i; j < n; j++) out[i * n + j] += aik * b[k * n + j]
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[j * n + i] = out[i * n + j]
  return out
}

/**
 * Square root of a symmetric positive semi-definite matrix: V diag(sqrt(max(lambda, 0))) V^T. Tiny
 * negative eigenvalues are rounding noise of a PSD matrix and are clamped to zero.
 */
export function psdSqrt(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n, true)
  const v = vectors as Float64Array
  const root = new Float64Array(n)
  for (let i = 0; i < n; i++) root[i] = Math.sqrt(Math.max(0, values[i]))
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0
      for (let k = 0; k < n; k++) s += v[i * n + k] * root[k] * v[j * n + k]
      out[i * n + j] = s
      out[j * n + i] = s
    }
  }
  return out
}

/**
 * Eigenvalues only, in O(n^3) with a small constant: Householder reduction to tridiagonal form, then
 * the implicit-shift QL iteration. Used for the many bootstrap Frechet distances, where Jacobi's
 * repeated sweeps cost ~30x more at 128 features. Returned in no particular order.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`matrix must have ${n}x${n} = ${n * n} entries, got ${a.length}`)
  const m = new Float64Array(a)
  for (let i = 0; i < m.length; i++) if (!Number.isFinite(m[i])) throw new Error(`matrix entry ${i} is ${m[i]}`)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const avg = 0.5 * (m[i * n + j] + m[j * n + i])
      m[i * n + j] = avg
      m[j * n + i] = avg
    }
  }
  const v = new Float64Array(n)
  const p = new Float64Array(n)
  // Householder: zero column k below the subdiagonal with H = I - 2 v v^T acting on rows/cols k+1..n-1.
  for (let k = 0; k < n - 2; k++) {
    let norm = 0
    for (let i = k + 1; i < n; i++) norm += m[i * n + k] * m[i * n + k]
    norm = Math.sqrt(norm)
    if (norm === 0) continue
    const x0 = m[(k + 1) * n + k]
    const alpha = x0 > 0 ? -norm : norm
    let vnorm = 0
    for (let i = k + 1; i < n; i++) {
      v[i] = m[i * n + k] - (i === k + 1 ? alpha : 0)
      vnorm += v[i] * v[i]
    }
    vnorm = Math.sqrt(vnorm)
    if (vnorm === 0) continue
    for (let i = k + 1; i < n; i++) v[i] /= vnorm
    // p = A_sub v, K = v^T p, w = p - K v; A_sub -= 2 (v w^T + w v^T).
    let kk = 0
    for (let i = k + 1; i < n; i++) {
      let s = 0
      for (let j = k + 1; j < n; j++) s += m[i * n + j] * v[j]
      p[i] = s
      kk += v[i] * s
    }
    for (let i = k + 1; i < n; i++) p[i] -= kk * v[i]
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) m[i * n + j] -= 2 * (v[i] * p[j] + p[i] * v[j])
    }
    m[(k + 1) * n + k] = alpha
    m[k * n + k + 1] = alpha
    for (let i = k + 2; i < n; i++) {
      m[i * n + k] = 0
      m[k * n + i] = 0
    }
  }
  const d = new Float64Array(n)
  const e = new Float64Array(n)
  for (let i = 0; i < n; i++) d[i] = m[i * n + i]
  for (let i = 0; i < n - 1; i++) e[i] = m[(i + 1) * n + i]
  tridiagonalQl(d, e)
  return d
}

/** Implicit QL on a symmetric tridiagonal matrix (diagonal d, e[i] couples i and i+1); d gets the eigenvalues. */
function tridiagonalQl(d: Float64Array, e: Float64Array): void {
  const n = d.length
  // Couplings below eps * |T| are dropped even between two ~0 diagonal entries (rank-deficient
  // covariances of ReLU features have many): a purely relative test never deflates there.
  let norm = 0
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0))
  for (let l = 0; l < n; l++) {
    let iterations = 0
    for (;;) {
      let m = l
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1])
        if (Math.abs(e[m]) <= Number.EPSILON * Math.max(dd, norm)) break
      }
      if (m === l) break
      if (++iterations > 100) throw new Error('tridiagonal QL did not converge in 100 iterations')
      let g = (d[l + 1] - d[l]) / (2 * e[l])
      let r = Math.hypot(g, 1)
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
      let s = 1
      let c = 1
      let p = 0
      let i = m - 1
      let underflow = false
      for (; i >= l; i--) {
        const f = s * e[i]
        const b = c * e[i]
        r = Math.hypot(f, g)
        e[i + 1] = r
        if (r === 0) {
          d[i + 1] -= p
          e[m] = 0
          underflow = true
          break
        }
        s = f / r
        c = g / r
        g = d[i + 1] - p
        r = (d[i] - g) * s + 2 * c * b
        p = s * r
        d[i + 1] = g + p
        g = c * r - b
      }
      if (underflow) continue
      d[l] -= p
      e[l] = g
      e[m] = 0
    }
  }
}
