/** Storage: the database is whole and current, and the data directory is the owner's alone. */
import { chmod, stat } from 'node:fs/promises';
import { MIGRATIONS } from '../storage/migrations.js';
import { fail, pass, skip, warn, type Checkpoint } from './checkpoint.js';
import { dataFiles, type DataFile } from './data-files.js';

/** Inside a workspace, tools make files as they like, and as root the sandbox user owns them. */
const ownedByApp = (f: DataFile) => f.name !== 'workspaces' && !/^workspaces[/\\]/.test(f.name);
const exposed = (f: DataFile) => (f.mode & 0o077) !== 0;
const octal = (mode: number) => mode.toString(8).padStart(3, '0');

const NO_DB = 'no database yet: start Cell 0 once';

export const storageCheckpoints: Checkpoint[] = [
  {
    id: 'storage.integrity',
    group: 'storage',
    title: 'The database passes integrity_check',
    why: 'A damaged database loses conversations and can hide a broken audit chain',
    fix: 'Quit Cell 0, copy the data directory aside, and restore cell0.sqlite from a backup',
    async probe(env) {
      if (!env.db) return skip(NO_DB);
      const rows = await env.db.all<{ integrity_check: string }>('PRAGMA integrity_check');
      const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
      return problems.length === 0 ? pass('ok') : fail(problems.slice(0, 3).join('; '));
    },
  },
  {
    id: 'storage.foreign-keys',
    group: 'storage',
    title: 'No dangling references',
    why: 'A row pointing at a deleted one (a message without its conversation) means data was changed outside the app',
    fix: 'Quit Cell 0 and restore cell0.sqlite from a backup; report how it happened',
    async probe(env) {
      if (!env.db) return skip(NO_DB);
      const rows = await env.db.all<{ table: string; parent: string }>('PRAGMA foreign_key_check');
      return rows.length === 0
        ? pass('every reference resolves')
        : fail(`${rows.length} dangling row(s), e.g. in ${rows[0]!.table} → ${rows[0]!.parent}`);
    },
  },
  {
    id: 'storage.migrations',
    group: 'storage',
    title: 'The database schema is current',
    why: 'An old schema misses the tables newer protections keep their state in',
    fix: 'Start Cell 0 once: it upgrades the database; a newer schema means an older build is running',
    async probe(env) {
      if (!env.db) return skip(NO_DB);
      const [row] = await env.db.all<{ user_version: number }>('PRAGMA user_version');
      const version = row?.user_version ?? 0;
      const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
      if (version === latest) return pass(`version ${version}`);
      return version < latest
        ? fail(`version ${version}, this build expects ${latest}`)
        : warn(`version ${version} is newer than this build's ${latest}: an older Cell 0 is running on it`);
    },
  },
  {
    id: 'storage.wal',
    group: 'storage',
    title: 'The database writes through its journal',
    why: 'WAL keeps a committed record safe when the app is killed mid-write',
    fix: 'Start Cell 0 once: it switches the database to WAL',
    async probe(env) {
      if (!env.db) return skip(NO_DB);
      const [row] = await env.db.all<{ journal_mode: string }>('PRAGMA journal_mode');
      return row?.journal_mode === 'wal'
        ? pass('journal_mode=wal')
        : warn(`journal_mode=${row?.journal_mode}`);
    },
  },
  {
    id: 'storage.data-dir-mode',
    group: 'storage',
    title: 'The data directory is yours alone (700)',
    why: 'Other users of this machine must not list or read conversations, memories and the audit log',
    fix: 'Run `cell0 checkpoints --fix` (chmod 700 on the data directory)',
    async probe(env) {
      const info = await stat(env.dataDir).catch(() => null);
      if (!info) return skip('there is no data directory yet');
      const mode = info.mode & 0o777;
      return (mode & 0o077) === 0
        ? pass(`mode ${octal(mode)}`)
        : fail(`mode ${octal(mode)}: others can get in`);
    },
    async repair(env) {
      const info = await stat(env.dataDir).catch(() => null);
      if (!info || (info.mode & 0o077) === 0) return [];
      await chmod(env.dataDir, 0o700);
      return [`chmod 700 ${env.dataDir} (was ${octal(info.mode & 0o777)})`];
    },
  },
  {
    id: 'storage.file-modes',
    group: 'storage',
    title: 'Files are 600 and folders 700',
    why: 'A readable file in a readable folder is one `cat` away from another user of this machine',
    fix: 'Run `cell0 checkpoints --fix` (chmod 600 files, 700 folders)',
    async probe(env) {
      const files = (await dataFiles(env)).filter(ownedByApp);
      if (files.length === 0) return skip('the data directory is empty');
      const open = files.filter(exposed);
      if (open.length === 0) return pass(`${files.length} files and folders, none readable by others`);
      // Inside a 700 data directory nobody else reaches them: a second line of defence missing, not an opening.
      const sealed = ((await stat(env.dataDir)).mode & 0o077) === 0;
      return (sealed ? warn : fail)(
        open
          .slice(0, 4)
          .map((f) => `${f.name} ${octal(f.mode)}`)
          .join(', ') + (open.length > 4 ? ` and ${open.length - 4} more` : ''),
      );
    },
    async repair(env) {
      const changed: string[] = [];
      for (const f of (await dataFiles(env)).filter(ownedByApp).filter(exposed)) {
        const mode = f.directory ? 0o700 : f.mode & 0o700 || 0o600;
        await chmod(f.path, mode);
        changed.push(`chmod ${octal(mode)} ${f.name} (was ${octal(f.mode)})`);
      }
      return changed;
    },
  },
  {
    id: 'storage.owner',
    group: 'storage',
    title: 'Everything belongs to the user running Cell 0',
    why: 'A file owned by someone else can be changed by them behind the app’s back',
    fix: 'chown -R the data directory to the user who runs Cell 0',
    async probe(env) {
      const uid = process.getuid?.();
      if (uid === undefined) return skip('no Unix owners on this system');
      const files = (await dataFiles(env)).filter(ownedByApp);
      const foreign = files.filter((f) => f.uid !== uid);
      return foreign.length === 0
        ? pass(`${files.length} entries owned by uid ${uid}`)
        : fail(`${foreign.length} owned by others, e.g. ${foreign[0]!.name} (uid ${foreign[0]!.uid})`);
    },
  },
];
