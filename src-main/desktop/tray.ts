import { Menu, Tray } from 'electron';
import type { LocalClient } from '../core/gateway/local-client.js';
import type { AgentsStatus } from '../core/protocol/entities.js';
import type { PermissionRequest } from '../core/protocol/kernel-entities.js';
import type { SwarmProposal } from '../core/protocol/swarm-entities.js';
import { debounce, type Debounced } from './debounce.js';
import { trayIconPath } from './tray-icons.js';
import { trayMenuTemplate, type TrayActions } from './tray-menu.js';
import { trayState, trayTooltip } from './tray-state.js';

export interface TrayControllerOptions {
  client: LocalClient;
  actions: TrayActions;
  iconDir: string;
  platform: NodeJS.Platform;
  onError: (message: string, err: unknown) => void;
  /** Bursts of events (a reply's tool calls) rebuild the menu once. */
  debounceMs?: number;
}

const IDLE: AgentsStatus = { paused: false, runningReplies: 0, runningTools: 0, pendingPermissions: 0 };

/**
 * The tray icon: its picture and tooltip say what the agents are doing, its menu lists the
 * requests waiting for the owner. It reads the core through the protocol, like any window.
 */
export class TrayController {
  private readonly tray: Tray;
  private status: AgentsStatus = IDLE;
  private pending: PermissionRequest[] = [];
  private proposals: SwarmProposal[] = [];
  private readonly refresh: Debounced;
  private readonly unsubscribes: (() => void)[];
  private disposed = false;

  constructor(private readonly options: TrayControllerOptions) {
    this.tray = new Tray(trayIconPath(options.iconDir, 'idle', options.platform));
    // On macOS a click opens the menu; elsewhere a click on the icon is how people open the window.
    if (options.platform !== 'darwin') this.tray.on('click', () => options.actions.open());
    this.render();
    this.refresh = debounce(() => void this.reload(), options.debounceMs ?? 150);
    const { client } = options;
    this.unsubscribes = [
      client.on('agents.status', () => this.refresh()),
      client.on('permission.requested', () => this.refresh()),
      client.on('permission.resolved', () => this.refresh()),
      client.on('swarm.proposed', () => this.refresh()),
      client.on('swarm.proposalResolved', () => this.refresh()),
    ];
    void this.reload();
  }

  /** Reads the status and the pending requests afresh: one source of truth, whatever events were missed. */
  async reload(): Promise<void> {
    try {
      const [status, { requests }, { proposals }] = await Promise.all([
        this.options.client.call('agents.status'),
        this.options.client.call('permissions.pending'),
        this.options.client.call('swarm.proposals', {}),
      ]);
      this.status = status;
      this.pending = [...requests].sort((a, b) => a.createdAt - b.createdAt);
      this.proposals = [...proposals].sort((a, b) => a.createdAt - b.createdAt);
      this.render();
    } catch (err) {
      if (!this.disposed) this.options.onError('the tray could not read the agents’ status', err);
    }
  }

  private render(): void {
    if (this.disposed) return;
    const { iconDir, platform, actions } = this.options;
    // A swarm proposal waits for the owner like a permission request, and shows as one.
    const shown = {
      ...this.status,
      pendingPermissions: this.status.pendingPermissions + this.proposals.length,
    };
    this.tray.setImage(trayIconPath(iconDir, trayState(shown), platform));
    this.tray.setToolTip(trayTooltip(shown));
    // Linux desktops (AppIndicator) only pick up menu changes when the menu is set again.
    this.tray.setContextMenu(
      Menu.buildFromTemplate(trayMenuTemplate(this.status, this.pending, actions, this.proposals)),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.refresh.cancel();
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.tray.destroy();
  }
}
