/**
 * The last run, whoever made it (the command or the app), in the data directory: Settings →
 * Security shows it. A file rather than a table so the command never writes the database for it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../base/atomic-file.js';
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

/** Atomically (0600): a crash leaves the old run or the new one. */
export async function writeLastRun(dataDir: string, report: CheckpointReport): Promise<void> {
  await writeFileAtomic(join(dataDir, LAST_RUN_FILE), `${JSON.stringify(report)}\n`);
}
