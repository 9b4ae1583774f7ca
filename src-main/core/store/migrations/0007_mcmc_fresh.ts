// Fresh MCMC proposals (issue 6): a chain may draw its proposed image from the prompt's pool, from a
// model (sampled at the chain's prompt with a seed from the chain's RNG), or from the pool until it is
// exhausted and then from the model. The draw of a fresh proposal is committed (position and seed in
// pending_sample) before the image is sampled, so a restart mid-sampling samples the same image.
import type { Migration } from './migration'

export const migration0007: Migration = {
  version: 7,
  name: 'mcmc: proposal source (pool, sample, mixed), sampling settings, pending fresh sample',
  up(db) {
    db.exec(`
      ALTER TABLE mcmc_chains ADD COLUMN proposal_source TEXT NOT NULL DEFAULT 'pool' CHECK (proposal_source IN ('pool', 'sample', 'mixed'));
      ALTER TABLE mcmc_chains ADD COLUMN sampling TEXT CHECK (sampling IS NULL OR (json_valid(sampling) AND json_type(sampling) = 'object'));
      ALTER TABLE mcmc_chains ADD COLUMN pending_sample TEXT CHECK (pending_sample IS NULL OR (json_valid(pending_sample) AND json_type(pending_sample) = 'object'));
    `)
  }
}
