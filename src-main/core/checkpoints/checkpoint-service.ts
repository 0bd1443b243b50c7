/**
 * The checkpoint audit inside the running app (Settings → Security): the same probes as the
 * command, given the app's own process, its busy state and its windows, with progress on the bus.
 * One run at a time; a second request joins the run in progress.
 */
import type { EventBus } from '../base/event-bus.js';
import type { Router } from '../protocol/router.js';
import type { CheckpointGroup, CheckpointReport } from '../protocol/checkpoint-entities.js';
import type { DesktopProbe } from './checkpoint.js';
import { readLastRun, writeLastRun } from './last-run.js';

export interface CheckpointServiceDeps {
  dataDir: string;
  runner: 'desktop' | 'serve';
  keychainService?: string;
  bus: EventBus;
  /** Whether a reply, a swarm or a tool is running: the idle probe waits for quiet. */
  busy: () => boolean;
  router: () => Router;
  desktop?: DesktopProbe | null;
}

export class CheckpointService {
  private running: Promise<CheckpointReport> | null = null;

  constructor(private readonly deps: CheckpointServiceDeps) {}

  run(only: CheckpointGroup | null = null): Promise<CheckpointReport> {
    this.running ??= this.runOnce(only).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  last(): Promise<CheckpointReport | null> {
    return readLastRun(this.deps.dataDir);
  }

  private async runOnce(only: CheckpointGroup | null): Promise<CheckpointReport> {
    const { deps } = this;
    // The probes (and the sandbox runs they make) load with the first run, not with the core.
    const [{ probeParts }, { runCheckpoints }] = await Promise.all([
      import('./probe-env.js'),
      import('./run-checkpoints.js'),
    ]);
    const parts = await probeParts({
      dataDir: deps.dataDir,
      runner: deps.runner,
      ...(deps.keychainService ? { keychainService: deps.keychainService } : {}),
      router: deps.router(),
      appPid: async () => process.pid,
      busy: deps.busy,
      desktop: deps.desktop ?? null,
    });
    try {
      const report = await runCheckpoints(parts, {
        only,
        onProgress: (done, total, result) => deps.bus.emit('checkpoints.progress', { done, total, result }),
      });
      await writeLastRun(deps.dataDir, report);
      return report;
    } finally {
      await parts.close();
    }
  }
}
