import { describe, expect, it } from 'vitest';
import { csvFileName, toCsv } from './csv';

describe('toCsv', () => {
  it('quotes what needs quoting and keeps the rest as is', () => {
    const csv = toCsv(
      ['agent', 'note', 'calls', 'ok', 'tags'],
      [
        ['Ana "AL" Lima', 'a, b', 12, true, ['x', 'y']],
        ['Bo', 'line\nbreak', null, false, null],
      ],
    );
    expect(csv).toBe(
      'agent,note,calls,ok,tags\r\n' +
        '"Ana ""AL"" Lima","a, b",12,true,"[""x"",""y""]"\r\n' +
        'Bo,"line\nbreak",,false,\r\n',
    );
  });

  it('names the file after the question', () => {
    expect(csvFileName('How many total calls are in the database?')).toBe('how-many-total-calls-are-in-the-database.csv');
    expect(csvFileName('???')).toBe('result.csv');
  });
});
