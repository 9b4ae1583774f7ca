/** Plain Adam (Kingma & Ba) on a Float64Array, enough for the 9-parameter toy. */
export class Adam {
  private readonly m: Float64Array
  private readonly v: Float64Array
  private t = 0

  constructor(
    size: number,
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8
  ) {
    if (!(lr > 0)) throw new Error(`Adam learning rate must be > 0, got ${lr}`)
    this.m = new Float64Array(size)
    this.v = new Float64Array(size)
  }

  /** θ ← θ − lr·m̂/(√v̂ + eps), in place. */
  step(theta: Float64Array, grad: Float64Array): void {
    this.t++
    const c1 = 1 - this.beta1 ** this.t
    const c2 = 1 - this.beta2 ** this.t
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g * g
      theta[i] -= (this.lr * (this.m[i] / c1)) / (Math.sqrt(this.v[i] / c2) + this.eps)
    }
  }
}
