/** Keychain and secrets: the keychain answers, and no secret it holds is found in any file. */
import { randomBytes } from 'node:crypto';
import { isCell0Error } from '../protocol/errors.js';
import { fail, pass, skip, warn, type Checkpoint } from './checkpoint.js';
import {
  dataFiles,
  findPatterns,
  findSecrets,
  knownSecrets,
  settingsFile,
  type DataFile,
} from './data-files.js';

const listHits = (hits: [string, string][]) =>
  hits
    .slice(0, 5)
    .map(([file, label]) => `${label} in ${file}`)
    .join('; ') + (hits.length > 5 ? ` and ${hits.length - 5} more` : '');

/** Config and log files: not the database (messages may quote anything) and not the workspaces. */
const configFiles = (files: DataFile[]) =>
  files.filter(
    (f) =>
      !f.directory &&
      !/^(workspaces|models|lab)[/\\]/.test(f.name) &&
      !/\.sqlite(-wal|-shm|-journal)?$/.test(f.name),
  );

const logFiles = (files: DataFile[]) =>
  files.filter((f) => !f.directory && (/\.log(\.\d+)?$/.test(f.name) || /^logs[/\\]/.test(f.name)));

const SECRET_FIX =
  'Remove the secret from that file, then rotate it (a new API key or bot token) since it may have been copied';

export const secretsCheckpoints: Checkpoint[] = [
  {
    id: 'secrets.keychain-reachable',
    group: 'secrets',
    title: 'The keychain answers',
    why: 'API keys and the identity key live only in the OS keychain; without it nothing can be signed or called',
    fix: 'Unlock the keychain (or start your keyring service, e.g. gnome-keyring) and run the checkpoints again',
    async probe(env) {
      const account = `checkpoint:probe:${randomBytes(6).toString('hex')}`;
      const value = randomBytes(16).toString('base64url');
      try {
        await env.keychain.set(account, value);
        const back = await env.keychain.get(account);
        await env.keychain.delete(account);
        const after = await env.keychain.get(account);
        if (back !== value) return fail('a value written to the keychain did not come back');
        if (after !== null) return fail('a value deleted from the keychain is still there');
        return pass('a probe secret was written, read back and deleted');
      } catch (err) {
        return fail(`the keychain refused: ${(err as Error).message}`);
      }
    },
  },
  {
    id: 'secrets.keychain-locked-handled',
    group: 'secrets',
    title: 'A locked keychain is reported, not worked around',
    why: 'A locked keychain must be told apart from a missing secret, and never replaced by a file',
    fix: 'Unlock the keychain; if it stays unlocked and this still fails, report it to the Cell 0 developers',
    async probe(env) {
      try {
        const value = await env.keychain.getExpected(`checkpoint:absent:${randomBytes(6).toString('hex')}`);
        return value === null
          ? pass('a missing secret reads as missing, after a write showed the keychain is unlocked')
          : fail('a secret that was never stored came back with a value');
      } catch (err) {
        if (isCell0Error(err) && err.code === 'KEYCHAIN_UNAVAILABLE')
          return warn(
            'the keychain is locked or missing; Cell 0 says so (KEYCHAIN_UNAVAILABLE) and writes no file',
          );
        return fail(`a keychain failure came out as something else: ${(err as Error).message}`);
      }
    },
  },
  {
    id: 'secrets.data-dir-scan',
    group: 'secrets',
    title: 'No secret in any file of the data directory',
    why: 'A key that reached a file is readable by anything that can read your files, and by backups',
    fix: SECRET_FIX,
    async probe(env) {
      const [files, secrets] = await Promise.all([dataFiles(env), knownSecrets(env)]);
      if (secrets.length === 0) return skip('the keychain holds no secret of this instance to look for');
      const hits = await findSecrets(files, secrets);
      const scanned = files.filter((f) => !f.directory).length;
      return hits.length === 0
        ? pass(`${secrets.length} secrets looked for in ${scanned} files: none found`)
        : fail(listHits(hits));
    },
  },
  {
    id: 'secrets.pattern-scan',
    group: 'secrets',
    title: 'Nothing that looks like a key in config files',
    why: 'A key pasted into a config file by hand is as exposed as one the app wrote',
    fix: SECRET_FIX,
    async probe(env) {
      const files = configFiles(await dataFiles(env));
      const hits = await findPatterns(files);
      return hits.length === 0
        ? pass(`${files.length} config files: no key-like text`)
        : fail(listHits(hits));
    },
  },
  {
    id: 'secrets.logs',
    group: 'secrets',
    title: 'No secret in logs',
    why: 'Logs are shared when asking for help; a secret in one is shared with them',
    fix: 'Delete the log file, rotate the secret it held, and report which message carried it',
    async probe(env) {
      const logs = logFiles(await dataFiles(env));
      if (logs.length === 0) return pass('no log files in the data directory (Cell 0 logs to stderr only)');
      const hits = [...(await findSecrets(logs, await knownSecrets(env))), ...(await findPatterns(logs))];
      return hits.length === 0 ? pass(`${logs.length} log files: no secret`) : fail(listHits(hits));
    },
  },
  {
    id: 'secrets.settings-file',
    group: 'secrets',
    title: 'settings.json holds no secret fields',
    why: 'Settings are a plain file; a key, token or password field there is a key on disk',
    fix: 'Remove the field from settings.json and enter the secret again in Settings (it goes to the keychain)',
    async probe(env) {
      const settings = await settingsFile(env);
      if (!settings) return skip('no settings.json yet');
      const found: string[] = [];
      const visit = (value: unknown, path: string) => {
        if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${path}[${i}]`));
        if (!value || typeof value !== 'object') return;
        for (const [key, v] of Object.entries(value)) {
          const here = path ? `${path}.${key}` : key;
          if (
            /^(api[-_]?key|token|secret|password|bearer|private[-_]?key)$/i.test(key) &&
            typeof v === 'string' &&
            v
          )
            found.push(here);
          visit(v, here);
        }
      };
      visit(settings, '');
      return found.length === 0 ? pass('no secret fields') : fail(`secret fields: ${found.join(', ')}`);
    },
  },
];
