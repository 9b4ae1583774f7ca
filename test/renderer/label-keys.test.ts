import { describe, expect, it } from 'vitest'
import { isTypingTarget, labelActionForKey } from '../../src-renderer/src/lib/label-keys'
import { choiceForScreen, setOnSide } from '../../src-renderer/src/lib/sides'

describe('labelActionForKey', () => {
  it.each([
    ['ArrowLeft', { kind: 'choose', choice: 'left' }],
    ['1', { kind: 'choose', choice: 'left' }],
    ['ArrowRight', { kind: 'choose', choice: 'right' }],
    ['2', { kind: 'choose', choice: 'right' }],
    ['=', { kind: 'choose', choice: 'tie' }],
    ['0', { kind: 'choose', choice: 'cant_judge' }],
    ['Backspace', { kind: 'undo' }],
    ['?', { kind: 'help' }],
    ['3', null],
    ['a', null],
    ['Enter', null]
  ])('%s -> %j', (key, action) => {
    expect(labelActionForKey({ key })).toEqual(action)
  })

  it('leaves browser shortcuts with modifiers alone', () => {
    expect(labelActionForKey({ key: '1', ctrlKey: true })).toBeNull()
    expect(labelActionForKey({ key: 'ArrowLeft', altKey: true })).toBeNull()
    expect(labelActionForKey({ key: '2', metaKey: true })).toBeNull()
  })
})

describe('isTypingTarget', () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, ...extra }) as unknown as EventTarget
  it.each([
    [el('INPUT', { type: 'text' }), true],
    [el('INPUT', { type: 'number' }), true],
    [el('TEXTAREA'), true],
    [el('SELECT'), true],
    [el('DIV', { isContentEditable: true }), true],
    [el('INPUT', { type: 'checkbox' }), false],
    [el('BUTTON'), false],
    [el('DIV'), false],
    [null, false]
  ])('%j -> %s', (target, expected) => {
    expect(isTypingTarget(target)).toBe(expected)
  })
})

describe('screen sides <-> pair sets', () => {
  it.each([
    ['a', 'left', 'a'],
    ['a', 'right', 'b'],
    ['b', 'left', 'b'],
    ['b', 'right', 'a']
  ] as const)('shownLeft=%s: %s is set %s', (shownLeft, side, set) => {
    expect(setOnSide(shownLeft, side)).toBe(set)
    expect(choiceForScreen(shownLeft, side)).toBe(set)
  })

  it('keeps tie and cant_judge whatever the sides', () => {
    for (const shownLeft of ['a', 'b'] as const) {
      expect(choiceForScreen(shownLeft, 'tie')).toBe('tie')
      expect(choiceForScreen(shownLeft, 'cant_judge')).toBe('cant_judge')
    }
  })
})
