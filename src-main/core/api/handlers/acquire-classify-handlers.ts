// API handlers of the classification job (issue 5) and the automated preference acquisition (issue 4).
// Without the services (a caller that did not compose them) the methods answer with a clear failure.
import { ApiFailure, type Handlers } from '../dispatch'
import type { AcquireService } from '../../features/preference-data/acquire/service'
import type { ClassifyService } from '../../classifier/classify-job'

type Methods = 'classify.start' | 'classify.summary' | 'classify.agreement' | 'acquire.start' | 'acquire.ledger'

export function acquireClassifyHandlers(classify: ClassifyService | undefined, acquire: AcquireService | undefined): Pick<Handlers, Methods> {
  const needClassify = (): ClassifyService => classify ?? unavailable('classification')
  const needAcquire = (): AcquireService => acquire ?? unavailable('preference acquisition')
  return {
    'classify.start': ({ projectId, promptId, classifier }) => needClassify().start(projectId, { promptId, classifier }),
    'classify.summary': ({ projectId }) => needClassify().summary(projectId),
    'classify.agreement': ({ projectId, a, b }) => needClassify().agreement(projectId, a, b),
    'acquire.start': ({ projectId, ...req }) => needAcquire().start(projectId, req),
    'acquire.ledger': ({ jobId }) => needAcquire().ledger(jobId)
  }
}

function unavailable(what: string): never {
  throw new ApiFailure('conflict', `${what} is not running in this studio`)
}
