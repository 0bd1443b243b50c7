import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Database } from './database.js';
import { migrate } from './migrations.js';

export const DATABASE_FILE = 'cell0.sqlite';

/** The data directory's database as a service: opened and migrated at start, closed at stop. */
export class StorageService {
  readonly db: Database;

  constructor(private readonly dataDir: string) {
    this.db = new Database(join(dataDir, DATABASE_FILE));
  }

  /**
   * WAL so readers never block the writer; synchronous=FULL so a committed message survives even
   * a power cut, not only a killed process.
   */
  async start(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await this.db.open();
    await this.db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
    );
    // SQLite makes the file with the umask's mode (often 644) and its -wal and -shm alike: the owner's alone.
    await Promise.all(
      ['', '-wal', '-shm'].map((suffix) => chmod(`${this.db.file}${suffix}`, 0o600).catch(() => undefined)),
    );
    await migrate(this.db);
  }

  async stop(): Promise<void> {
    await this.db.close();
  }
}
