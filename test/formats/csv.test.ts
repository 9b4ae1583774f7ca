import { describe, expect, it } from 'vitest'
import { CsvError, csvField, csvText, parseCsv } from '../../src-main/core/formats/csv'

describe('parseCsv', () => {
  it.each([
    [
      'plain rows',
      'img_path,prompt\na.png,doctor\n',
      [
        ['img_path', 'prompt'],
        ['a.png', 'doctor']
      ]
    ],
    ['quoted comma', 'a.png,"a doctor, smiling"', [['a.png', 'a doctor, smiling']]],
    ['escaped quote', 'a.png,"a ""chef"""', [['a.png', 'a "chef"']]],
    [
      'newline inside quotes',
      'a.png,"line1\nline2"\nb.png,x',
      [
        ['a.png', 'line1\nline2'],
        ['b.png', 'x']
      ]
    ],
    [
      'CRLF line ends',
      'a,b\r\nc,d\r\n',
      [
        ['a', 'b'],
        ['c', 'd']
      ]
    ],
    [
      'lone CR line ends',
      'a,b\rc,d',
      [
        ['a', 'b'],
        ['c', 'd']
      ]
    ],
    ['BOM', '\uFEFFimg_path,prompt', [['img_path', 'prompt']]],
    [
      'blank lines skipped',
      'a,b\n\n\nc,d\n',
      [
        ['a', 'b'],
        ['c', 'd']
      ]
    ],
    ['empty trailing field', 'a.png,\n', [['a.png', '']]],
    ['quoted empty field is a row', '""\n', [['']]],
    ['no trailing newline', 'a,b', [['a', 'b']]]
  ])('%s', (_label, text, rows) => {
    expect(parseCsv(text)).toEqual(rows)
  })

  it.each([
    ['unclosed quote', 'a,"open\n', /never closed/],
    ['text after closing quote', 'a,"x"y\n', /after a closing quote/],
    ['quote inside unquoted field', 'a,x"y"\n', /quote inside an unquoted field/]
  ])('rejects %s with the line number', (_label, text, why) => {
    expect(() => parseCsv(text)).toThrow(CsvError)
    expect(() => parseCsv(text)).toThrow(why)
  })
})

describe('csvField and csvText', () => {
  it('write fields that the reader gives back unchanged', () => {
    const fields = ['plain', 'a doctor, smiling', 'a "chef"', 'line1\nline2', 'cr\rhere', '']
    const line = fields.map(csvField).join(',')
    expect(line).toBe('plain,"a doctor, smiling","a ""chef""","line1\nline2","cr\rhere",')
    expect(parseCsv(line + '\nend')).toEqual([fields, ['end']])
  })

  it('csvText guards formula-like text with an apostrophe and leaves other text alone', () => {
    expect(['=SUM(A1)', '+1', '-2', '@x', '\tx', 'doctor'].map(csvText)).toEqual(["'=SUM(A1)", "'+1", "'-2", "'@x", "'\tx", 'doctor'])
  })
})
