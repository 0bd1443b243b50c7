import { client } from '../../app/client-instance.js';
import type { StopAllResult } from '../../lib/tool-wording.js';
import { useAgents } from '../../stores/agents.js';
import { useKernel } from '../../stores/kernel.js';

export async function loadKernelStatus(): Promise<void> {
  try {
    useKernel.getState().setStatus(await client().call('kernel.status', {}));
  } catch (err) {
    console.warn('cell0: could not read the kernel status', err);
  }
}

const REFRESH_DELAY_MS = 250;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/** Tool events come in bursts; one status read per burst keeps the running count true. */
export function scheduleKernelStatus(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void loadKernelStatus();
  }, REFRESH_DELAY_MS);
}

export async function stopAllAgents(): Promise<StopAllResult> {
  const result = await client().call('agents.stopAll', {});
  void loadKernelStatus();
  return result;
}

export async function loadAgentsStatus(): Promise<void> {
  try {
    useAgents.getState().setStatus(await client().call('agents.status', {}));
  } catch (err) {
    console.warn('cell0: could not read the agents status', err);
  }
}

/** Pauses or resumes every agent; the answer is the new status (the agents.status event follows too). */
export async function setAgentsPaused(paused: boolean): Promise<void> {
  const status = await client().call(paused ? 'agents.pause' : 'agents.resume', {});
  useAgents.getState().setStatus(status);
}
