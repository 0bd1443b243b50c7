import { shorten } from '../../base/shorten.js';
import type { PermissionRequest } from '../../protocol/kernel-entities.js';

/** How much of `tool: display` one line away from the card shows (a tray menu item, a DM's button). */
export const GLANCE_CHARS = 48;

/** "shell: git status --short" in one short line: what a person needs to recognise the request. */
export function glanceLabel(request: Pick<PermissionRequest, 'tool' | 'display'>): string {
  return shorten(`${request.tool}: ${request.display}`, GLANCE_CHARS);
}

/**
 * Whether "Allow once" may be offered away from the permission card (the tray, the owner's DM):
 * only when that one line is all there is to approve — a call to run in the sandbox whose whole
 * command fits the line as it is (no cut, no line break folded into a space) and that writes no
 * content the line cannot show. Anything else is answered on the card, where all of it shows.
 */
export function allowableAtAGlance(
  request: Pick<PermissionRequest, 'tool' | 'display' | 'unsandboxed' | 'preview' | 'workspace'>,
): boolean {
  // A hosted tool (no workspace) runs in Cell 0 itself, not in the sandbox.
  if (request.unsandboxed || request.workspace === null || request.preview !== null) return false;
  return glanceLabel(request) === `${request.tool}: ${request.display}`;
}
