// Child process for the owner-file tests: asks a fresh workspace's classify service to start a job
// with the given classifier files and prints "refused: <message>" or "started".
//   node --import tsx start-child.ts <workspaceFile> '<classifier JSON>'
import { ApiFailure } from '../../../src-main/core/errors/api-failure'
import { createClassifyService } from '../../../src-main/core/classifier/classify-job'
import { openWorkspace } from '../../../src-main/core/store/open'
import { createJobRunner } from '../../../src-main/core/jobs/runner'
import { RESOURCES_DIR } from '../../helpers/config'

const [file, classifier] = process.argv.slice(2)
const ws = openWorkspace(file)
const projectId = ws.projects.create('owner files').id
ws.axes.save(projectId, 'gender', ['male', 'female'], null)
ws.axes.save(projectId, 'race', ['asian', 'white', 'black'], null)
const runner = createJobRunner({ db: ws.db })
try {
  createClassifyService({ ws, runner, resourcesDir: RESOURCES_DIR }).start(projectId, { classifier: JSON.parse(classifier) })
  process.stdout.write('started\n')
} catch (e) {
  if (!(e instanceof ApiFailure)) throw e
  process.stdout.write(`refused: ${e.message}\n`)
}
// Exit at once: a started job must not go on reading what it was given.
process.exit(0)
