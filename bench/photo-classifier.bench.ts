// `npm run bench:photo`: the built-in photo classifier's speed on this machine, from one run: model
// load time and images/s (read + decode + detect + attributes, what the classification job does) for
// GEAR and faceres on the test photos (test/fixtures/photos: two faces, two without a human face),
// repeated PHOTO_BENCH_ROUNDS times (default 10, so 40 images per classifier), and the same on faces
// only and on no-face photos only (a photo without a face costs the detector alone).
import { join } from 'node:path'
import { describeBackend, loadTf } from '../src-main/core/engine/tf/backend'
import { HumanPhotoClassifier } from '../src-main/core/classifier/photo/human-classifier'

const ROUNDS = Number(process.env.PHOTO_BENCH_ROUNDS ?? 10)
const root = join(__dirname, '..')
const photo = (f: string) => join(root, 'test/fixtures/photos', f)
const FACES = ['astronaut.jpg', 'grace_hopper.jpg'].map(photo)
const NO_FACE = ['coffee.jpg'].map(photo)
const ALL = [...FACES, ...NO_FACE, photo('chelsea.jpg')]

async function rate(c: HumanPhotoClassifier, files: string[]): Promise<string> {
  await c.classifyFiles(files) // warm-up: first calls compile the wasm kernels' shapes
  const list = Array.from({ length: ROUNDS }, () => files).flat()
  const t0 = performance.now()
  await c.classifyFiles(list)
  const s = (performance.now() - t0) / 1000
  return `${(list.length / s).toFixed(2)} images/s (${list.length} images in ${s.toFixed(2)} s)`
}

async function main(): Promise<void> {
  const { info } = await loadTf()
  console.log(`backend: ${describeBackend(info)}`)
  for (const name of ['human-gear', 'human-faceres']) {
    const t0 = performance.now()
    const c = await HumanPhotoClassifier.load(join(root, 'resources/photo-classifier', `${name}.mapping.json`))
    console.log(`${name} ${c.version}: load ${((performance.now() - t0) / 1000).toFixed(2)} s`)
    console.log(`  all four photos: ${await rate(c, ALL)}`)
    console.log(`  faces only:      ${await rate(c, FACES)}`)
    console.log(`  no face only:    ${await rate(c, NO_FACE)}`)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
