import { describe, expect, it } from 'vitest';
import { parseAssignments, parsePaths, splitCommandLine } from '../../../src-renderer/lib/command-line.js';

describe('splitCommandLine', () => {
  it('splits words, groups quotes, keeps ${workspace} and never expands anything', () => {
    expect(splitCommandLine('npx -y @modelcontextprotocol/server-filesystem ${workspace}')).toEqual({
      words: ['npx', '-y', '@modelcontextprotocol/server-filesystem', '${workspace}'],
    });
    expect(splitCommandLine(`node "my server.js" 'it''s' a\\ b "" $HOME`)).toEqual({
      words: ['node', 'my server.js', 'its', 'a b', '', '$HOME'],
    });
  });

  it('says when a quote is left open', () => {
    expect(splitCommandLine('node "oops')).toEqual({ error: 'a double quote is not closed' });
  });
});

describe('parseAssignments and parsePaths', () => {
  it('reads NAME=value lines (spaces around trimmed), values with = kept whole', () => {
    expect(parseAssignments('A=1\n\n B = x=y ')).toEqual({ values: { A: '1', B: 'x=y' } });
    expect(parseAssignments('no-equals')).toEqual({ error: '“no-equals” is not NAME=value' });
  });

  it('reads one path per line, :rw for read-write', () => {
    expect(parsePaths('/data:rw\n /docs \n/x:ro')).toEqual([
      { path: '/data', write: true },
      { path: '/docs', write: false },
      { path: '/x', write: false },
    ]);
  });
});
