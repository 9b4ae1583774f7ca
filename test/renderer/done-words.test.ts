// The sentences a rename or delete leaves beside its control (issue 10, housekeeping).
import { describe, expect, it } from 'vitest'
import { deletedSentence, renamedSentence } from '../../src-renderer/src/lib/components/done-words'

describe('rename and delete confirmations', () => {
  it('says what a delete removed and what it kept', () => {
    expect(deletedSentence('Set 3', { removes: ['the set', '2 unlabelled pairs it is in'], keeps: ['its images'] })).toBe(
      'Deleted Set 3. Removed the set, 2 unlabelled pairs it is in; kept its images.'
    )
    expect(deletedSentence('Run 2', { removes: ['the run, its checkpoints and its training curves'], keeps: [] })).toBe('Deleted Run 2. Removed the run, its checkpoints and its training curves.')
    expect(deletedSentence('report “a”', { removes: [], keeps: ['files already exported from it', 'the images it read'] })).toBe(
      'Deleted report “a”. Kept files already exported from it; the images it read.'
    )
    expect(deletedSentence('x', { removes: [], keeps: [] })).toBe('Deleted x.')
  })
  it('says the new name, or what a cleared name falls back to', () => {
    expect(renamedSentence('tone', 'its number')).toBe('Renamed to “tone”.')
    expect(renamedSentence(null, 'its number')).toBe('Name cleared: shown as its number.')
  })
})
