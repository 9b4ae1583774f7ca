// The target population for the Frechet distance of a built-in-world audit: fair renders of the world
// (attributes the prompt does not ask for drawn uniformly, not from the pretraining bias), for the
// audited prompts, classified for their features. A run that only moved attribute shares towards the
// ideal gets closer to this set; one that broke the figures drifts away from it.
import type { ReferenceFeatures } from './figures/types'
import { renderReference } from '../../evaluation/reference'
import { uniformBias } from '../../world/bias'
import { parsePrompt } from '../../world/prompts'
import type { ImageClassifier } from '../../classifier/classifier'

export const REFERENCE_LABEL = 'fair renders of the built-in world'

/**
 * Reference features for the prompts that name a world concept (`perPrompt` renders each), or null
 * when the classifier gives no features or no prompt names a concept (a foreign image set).
 */
export async function worldReference(classifier: ImageClassifier, prompts: readonly string[], perPrompt: number, seed = 0): Promise<ReferenceFeatures | null> {
  if (!classifier.hasFeatures || !classifier.classifyPixels || classifier.concepts === null) return null
  const usable = prompts.filter((p) => parsePrompt(p).concept !== null)
  if (usable.length === 0 || perPrompt < 2) return null
  const images = renderReference(usable, perPrompt, seed, classifier.imageSize, uniformBias())
  const n = usable.length * perPrompt
  const out = await classifier.classifyPixels(images, n)
  const features = out.map((c) => c.features).filter((f): f is Float32Array => f !== null)
  return features.length >= 2 ? { label: REFERENCE_LABEL, features } : null
}
