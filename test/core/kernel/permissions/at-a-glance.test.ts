import { describe, expect, it } from 'vitest';
import {
  allowableAtAGlance,
  GLANCE_CHARS,
  glanceLabel,
} from '../../../../src-main/core/kernel/permissions/at-a-glance.js';
import type { PermissionRequest } from '../../../../src-main/core/protocol/kernel-entities.js';

type Glance = Pick<PermissionRequest, 'tool' | 'display' | 'unsandboxed' | 'preview' | 'workspace'>;

const shell = (display: string, patch: Partial<Glance> = {}): Glance => ({
  tool: 'shell',
  display,
  unsandboxed: false,
  preview: null,
  workspace: '/tmp/ws',
  ...patch,
});

describe('allowing at a glance (the tray, the owner’s DM)', () => {
  it('allows a sandboxed one-line call the line shows whole', () => {
    expect(glanceLabel(shell('git status --short'))).toBe('shell: git status --short');
    expect(allowableAtAGlance(shell('git status --short'))).toBe(true);
    const longest = 'x'.repeat(GLANCE_CHARS - 'shell: '.length);
    expect(allowableAtAGlance(shell(longest))).toBe(true);
  });

  it('refuses what the line cannot show: a cut, a folded line break or double space, written content', () => {
    const tooLong = 'x'.repeat(GLANCE_CHARS - 'shell: '.length + 1);
    expect(glanceLabel(shell(tooLong)).endsWith('…')).toBe(true);
    expect(allowableAtAGlance(shell(tooLong))).toBe(false);
    expect(allowableAtAGlance(shell('ls\nrm -rf ~'))).toBe(false);
    expect(allowableAtAGlance(shell('echo  two  spaces'))).toBe(false);
    const preview: PermissionRequest['preview'] = { kind: 'write', bytes: 4, lines: 1, text: 'abc\n' };
    expect(allowableAtAGlance(shell('notes.txt', { tool: 'write_file', preview }))).toBe(false);
  });

  it('refuses what runs outside the sandbox: unsandboxed, or a hosted tool with no workspace', () => {
    expect(allowableAtAGlance(shell('ls', { unsandboxed: true }))).toBe(false);
    expect(allowableAtAGlance(shell('https://example.com', { tool: 'web_fetch', workspace: null }))).toBe(
      false,
    );
  });
});
