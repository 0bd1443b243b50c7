/**
 * The last run, whoever made it (the command or the app), in the data directory: Settings →
 * Security shows it. A file rather than a table so the command never writes the database for it.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointReportSchema, type CheckpointReport } from '../protocol/checkpoint-entities.js';

export const LAST_RUN_FILE = 'checkpoints-last-run.json';

export async function readLastRun(dataDir: string): Promise<CheckpointReport | null> {
  try {
    const parsed = checkpointReportSchema.safeParse(
      JSON.parse(await readFile(join(dataDir, LAST_RUN_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Temp file, fsync, rename (0600): a crash leaves the old run or the new one. */
export async function writeLastRun(dataDir: string, report: CheckpointReport): Promise<void> {
  const file = join(dataDir, LAST_RUN_FILE);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(report)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
