import { describe, expect, it } from 'vitest';
import { argumentsDisplay, kernelToolName, modelToolName } from '../../../src-main/core/mcp/mcp-tools.js';
import { toolNameSchema } from '../../../src-main/core/protocol/kernel-entities.js';

describe('MCP tool names', () => {
  it('models call them mcp__server__tool, at most 64 of the characters providers accept, never twice', () => {
    expect(modelToolName('fs', 'read_file', new Set())).toBe('mcp__fs__read_file');
    expect(modelToolName('fs', 'read.file', new Set())).toBe('mcp__fs__read_file');
    const long = modelToolName('server', 'x'.repeat(100), new Set());
    expect(long).toMatch(/^mcp__server__x+_[0-9a-f]{8}$/);
    expect(long).toHaveLength(64);
    // Two tools that clean up to the same name get told apart.
    const taken = new Set(['mcp__fs__read_file']);
    expect(modelToolName('fs', 'read.file', taken)).not.toBe('mcp__fs__read_file');
  });

  it('rules, cards and the audit know them as mcp:server/tool, a valid kernel tool name', () => {
    expect(kernelToolName('fs', 'read_file')).toBe('mcp:fs/read_file');
    expect(kernelToolName('fs', 'weird name!')).toBe('mcp:fs/weird_name_');
    expect(toolNameSchema.safeParse(kernelToolName('my-db', 'query.run')).success).toBe(true);
  });

  it('shows the arguments exactly as sent', () => {
    expect(argumentsDisplay({ path: '/a\nb', n: 1 })).toBe('{"path":"/a\\nb","n":1}');
    expect(argumentsDisplay(undefined)).toBe('{}');
  });
});
