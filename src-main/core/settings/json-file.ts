/**
 * `settings.json` as conf (electron-store's engine) keeps it: the same file and format (JSON,
 * tab-indented), read afresh on every access, written whole to a temporary file that then
 * replaces it, so a crash mid-write leaves the old file or the new one, never half of each. Its
 * own few lines rather than conf, whose schema machinery (ajv and its formats) cost the core's
 * start more than the rest of what it needs to answer.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export class JsonFile {
  constructor(readonly path: string) {}

  /** The whole file; {} when there is none. Text that is not a JSON object throws a SyntaxError. */
  get store(): Record<string, unknown> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new SyntaxError(`${this.path} does not hold a JSON object`);
    }
    return value as Record<string, unknown>;
  }

  /** One key, or every key of an object (the others stay), as conf's set does. */
  set(key: string | Record<string, unknown>, value?: unknown): void {
    const next = { ...this.store, ...(typeof key === 'string' ? { [key]: value } : key) };
    this.write(next);
  }

  private write(value: Record<string, unknown>): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fd = openSync(temporary, 'w', 0o666);
      try {
        writeSync(fd, JSON.stringify(value, undefined, '\t'));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
    } catch (err) {
      rmSync(temporary, { force: true });
      throw err;
    }
  }
}
