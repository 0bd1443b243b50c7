import type { MenuItemConstructorOptions } from 'electron';
import type { AgentsStatus } from '../core/protocol/entities.js';
import type { PermissionRequest } from '../core/protocol/kernel-entities.js';
import type { SwarmProposal } from '../core/protocol/swarm-entities.js';
import { shorten } from '../core/base/shorten.js';
import { allowableAtAGlance, GLANCE_CHARS, glanceLabel } from '../core/kernel/permissions/at-a-glance.js';

/** What the tray's menu items do; the tray wires these to the core and the windows. */
export interface TrayActions {
  open(): void;
  newChat(): void;
  quickPrompt(): void;
  respond(requestId: string, decision: 'allow-once' | 'deny'): void;
  showRequest(request: PermissionRequest): void;
  /** An agent's swarm proposal: start it or decline it. */
  respondProposal(proposalId: string, accept: boolean): void;
  showProposal(proposal: SwarmProposal): void;
  pause(): void;
  resume(): void;
  quit(): void;
}

/** More would make a menu taller than a screen; the rest are one click away in the window. */
export const MAX_LISTED_REQUESTS = 8;
const LABEL_CHARS = GLANCE_CHARS;

/** "shell: git status --short" in one short line: what a person needs to recognise the request. */
export const requestLabel = glanceLabel;

/** Whether the tray may offer "Allow once": the rule the owner's DM follows too (see at-a-glance). */
export const allowableFromTray = allowableAtAGlance;

function requestItem(request: PermissionRequest, actions: TrayActions): MenuItemConstructorOptions {
  // Wider grants (always, this conversation) need the full card: the tray shows too little.
  const show: MenuItemConstructorOptions = {
    label: 'Show in conversation',
    click: () => actions.showRequest(request),
  };
  if (!allowableFromTray(request)) return { label: requestLabel(request), submenu: [show] };
  return {
    label: requestLabel(request),
    submenu: [
      { label: 'Allow once', click: () => actions.respond(request.id, 'allow-once') },
      { label: 'Deny', click: () => actions.respond(request.id, 'deny') },
      { type: 'separator' },
      show,
    ],
  };
}

function proposalItem(proposal: SwarmProposal, actions: TrayActions): MenuItemConstructorOptions {
  return {
    label: shorten(`swarm: ${proposal.task}`, LABEL_CHARS),
    submenu: [
      { label: 'Start swarm', click: () => actions.respondProposal(proposal.id, true) },
      { label: 'Decline', click: () => actions.respondProposal(proposal.id, false) },
      { type: 'separator' },
      { label: 'Show in conversation', click: () => actions.showProposal(proposal) },
    ],
  };
}

/** The tray's context menu for a status and what waits for the owner (oldest first). */
export function trayMenuTemplate(
  status: AgentsStatus,
  pending: readonly PermissionRequest[],
  actions: TrayActions,
  proposals: readonly SwarmProposal[] = [],
): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [
    { label: 'Open Cell 0', click: () => actions.open() },
    { label: 'New chat', click: () => actions.newChat() },
    { label: 'Quick prompt…', click: () => actions.quickPrompt() },
  ];
  const waiting = pending.length + proposals.length;
  if (waiting > 0) {
    const listedProposals = proposals.slice(0, MAX_LISTED_REQUESTS);
    template.push(
      { type: 'separator' },
      { label: `Waiting for you (${waiting})`, enabled: false },
      ...listedProposals.map((proposal) => proposalItem(proposal, actions)),
      ...pending
        .slice(0, MAX_LISTED_REQUESTS - listedProposals.length)
        .map((request) => requestItem(request, actions)),
    );
    const hidden = waiting - MAX_LISTED_REQUESTS;
    if (hidden > 0) template.push({ label: `${hidden} more in Cell 0…`, click: () => actions.open() });
  }
  template.push(
    { type: 'separator' },
    status.paused
      ? { label: 'Resume all agents', click: () => actions.resume() }
      : { label: 'Pause all agents', click: () => actions.pause() },
    { type: 'separator' },
    { label: 'Quit Cell 0', click: () => actions.quit() },
  );
  return template;
}
