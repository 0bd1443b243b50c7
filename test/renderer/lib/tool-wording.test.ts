import { describe, expect, it } from 'vitest';
import { LIMIT_KINDS } from '../../../src-main/core/protocol/kernel-entities.js';
import {
  clipOutput,
  describeLimit,
  describeStopAll,
  mcpToolParts,
  toolDuration,
  toolInSentence,
  toolLabel,
} from '../../../src-renderer/lib/tool-wording.js';

describe('tool wording', () => {
  it('names an MCP server’s tool `server › tool`, never lower-casing the server’s own names', () => {
    expect(mcpToolParts('mcp:GitHub/create_issue')).toEqual({ server: 'GitHub', tool: 'create_issue' });
    expect(mcpToolParts('shell')).toBeNull();
    expect(toolLabel('mcp:GitHub/create_issue')).toBe('GitHub › create_issue');
    expect(toolInSentence('mcp:GitHub/create_issue')).toBe('GitHub › create_issue');
    expect(toolInSentence('shell')).toBe('shell');
    expect(toolInSentence('memory_save')).toBe('save memory');
  });

  it('names each limit in plain words', () => {
    expect(describeLimit('cpu').title).toBe('Stopped: CPU time limit');
    expect(describeLimit('memory').title).toBe('Stopped: memory limit');
    expect(describeLimit('wall-clock').title).toBe('Stopped: running time limit');
    for (const kind of LIMIT_KINDS) expect(describeLimit(kind).why).toMatch(/^The kernel stopped it because/);
  });

  it('says how many replies and tools were stopped', () => {
    expect(describeStopAll({ stoppedReplies: 0, killedTools: 0 })).toBe('Nothing was running');
    expect(describeStopAll({ stoppedReplies: 1, killedTools: 0 })).toBe('Stopped 1 reply');
    expect(describeStopAll({ stoppedReplies: 2, killedTools: 3 })).toBe('Stopped 2 replies and 3 tools');
  });

  it('clips a long output to its head and says so', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const clipped = clipOutput(text, 10);
    expect(clipped.shown.split('\n')).toHaveLength(10);
    expect(clipped).toMatchObject({ clipped: true, lines: 100 });
    expect(clipOutput('short')).toEqual({ shown: 'short', clipped: false, lines: 1 });
  });

  it('times a tool from the start of its execution, not from its permission request', () => {
    // Asked at 1 s, answered a minute later, ran for a quarter of a second.
    expect(toolDuration({ runningSince: 61_000, endedAt: 61_250 })).toBe('250 ms');
    expect(toolDuration({ runningSince: 61_000, endedAt: 63_400 })).toBe('2.4 s');
    expect(toolDuration({ runningSince: null, endedAt: 61_000 })).toBeNull();
    expect(toolDuration({ runningSince: 61_000, endedAt: null })).toBeNull();
  });
});
