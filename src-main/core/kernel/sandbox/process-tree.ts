/**
 * Stopping a run's whole process tree. Confined, the tree is a pid namespace: SIGKILL to bwrap
 * makes its init die (--die-with-parent), and the kernel kills everything left in the namespace,
 * double-forked daemons included. Unconfined, the best available is the process group the run was
 * started in; a tool that calls setsid() itself escapes it (one more reason the sandbox is the
 * default and running without it is a per-call decision of the owner).
 */
import { readdir, readFile } from 'node:fs/promises';

/** SIGKILL to the run's process group and, while it is still ours, to the launched process itself. */
export function killTree(pid: number, includeLeader = true): void {
  for (const target of includeLeader ? [-pid, pid] : [-pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone (ESRCH), or not a group leader: nothing left to do for this target.
    }
  }
}

/** How many processes a uid has now (Linux /proc); 0 where /proc cannot be read. */
export async function countProcessesOf(uid: number): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return 0;
  }
  const pattern = new RegExp(`^Uid:\\s+${uid}\\s`, 'm');
  let count = 0;
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        try {
          // Threads count against RLIMIT_NPROC too.
          const status = await readFile(`/proc/${name}/status`, 'utf8');
          if (!pattern.test(status)) return;
          const threads = /^Threads:\s+(\d+)/m.exec(status);
          count += threads ? Number(threads[1]) : 1;
        } catch {
          // The process ended while we looked.
        }
      }),
  );
  return count;
}
