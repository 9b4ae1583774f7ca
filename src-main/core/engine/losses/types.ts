/** What every preference loss returns, so a trainer can treat them alike. */
export interface PreferenceMetrics {
  /** Fraction of terms whose logistic argument is positive (ties count one half). */
  readonly implicitAccuracy: number
  /** Mean implicit reward of winners minus that of losers (see each loss for its reward). */
  readonly rewardMargin: number
}

export interface PreferenceLossResult<M extends PreferenceMetrics = PreferenceMetrics> {
  /** Scalar loss (mean over the batch). */
  readonly loss: number
  /**
   * ∂loss/∂m_i for each model MSE in input order. A trainer backpropagates Σ_i grad[i]·m_i
   * through the network (the reference MSEs and any normaliser are constants).
   */
  readonly grad: Float64Array
  readonly metrics: M
}
