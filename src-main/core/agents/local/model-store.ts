import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorShapeSchema } from '../../protocol/frames.js';
import {
  DOWNLOAD_STATES,
  LOCAL_MODEL_KINDS,
  localModelNameSchema,
} from '../../protocol/local-model-entities.js';
import { lazySchema } from '../../protocol/lazy-schema.js';

/** What is kept about one local model beside its file (models/<name>.json). */
export const manifestSchema = lazySchema(() =>
  z.object({
    name: localModelNameSchema,
    label: z.string(),
    kind: z.enum(LOCAL_MODEL_KINDS),
    state: z.enum(DOWNLOAD_STATES),
    source: z.string(),
    /** The full size once known (from the catalog or the server). */
    sizeBytes: z.number().int().nonnegative().nullable(),
    /** The published checksum to match, or (when none was published) the one computed on completion. */
    sha256: z.string().nullable(),
    checksumPublished: z.boolean(),
    error: errorShapeSchema.nullable(),
    architecture: z.string().nullable(),
    trainedContext: z.number().int().nullable(),
    supportsTools: z.boolean().nullable(),
    /** Size and mtime of the file when its checksum was checked: a file changed since is checked again. */
    verified: z.object({ size: z.number(), mtimeMs: z.number() }).nullable(),
    addedAt: z.number(),
  }),
);

export type Manifest = z.infer<typeof manifestSchema>;

/** Manifest writes made by this process, each naming its own temp file. */
let writes = 0;

/**
 * The models directory of the data directory: `<name>.gguf` once complete and checked,
 * `<name>.gguf.part` while downloading, `<name>.json` with what is known about it. One file per
 * model, written whole and renamed into place, so the app and the CLI can share the directory.
 */
export class ModelStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'models');
  }

  modelPath(name: string): string {
    return join(this.dir, `${name}.gguf`);
  }

  partPath(name: string): string {
    return join(this.dir, `${name}.gguf.part`);
  }

  private manifestPath(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Every model with a readable manifest; a damaged one is skipped rather than failing the list. */
  async list(): Promise<Manifest[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return [];
    }
    const manifests = await Promise.all(
      files.filter((f) => f.endsWith('.json')).map((f) => this.read(f.slice(0, -'.json'.length))),
    );
    return manifests
      .filter((m): m is Manifest => m !== null)
      .sort((a, b) => a.addedAt - b.addedAt || a.name.localeCompare(b.name));
  }

  async read(name: string): Promise<Manifest | null> {
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(await readFile(this.manifestPath(name), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async write(manifest: Manifest): Promise<void> {
    await this.ensureDir();
    const target = this.manifestPath(manifest.name);
    // A temp name of its own per write: two writes at once (a download's size noted while its
    // state changes) shared one and the second rename found it gone (ENOENT).
    const temp = `${target}.${process.pid}.${++writes}.tmp`;
    await writeFile(temp, `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`);
    await rename(temp, target);
  }

  /** Bytes of the part already downloaded (0 when there is none). */
  async partSize(name: string): Promise<number> {
    try {
      return (await stat(this.partPath(name))).size;
    } catch {
      return 0;
    }
  }

  async fileStat(name: string): Promise<{ size: number; mtimeMs: number } | null> {
    try {
      const s = await stat(this.modelPath(name));
      return { size: s.size, mtimeMs: s.mtimeMs };
    } catch {
      return null;
    }
  }

  /** The file, the part and the manifest: nothing of the model is left behind. */
  async remove(name: string): Promise<void> {
    await Promise.all([rm(this.modelPath(name), { force: true }), rm(this.partPath(name), { force: true })]);
    await rm(this.manifestPath(name), { force: true });
  }

  async removePart(name: string): Promise<void> {
    await rm(this.partPath(name), { force: true });
  }

  /** A checked part becomes the model file. */
  async promote(name: string): Promise<void> {
    await rename(this.partPath(name), this.modelPath(name));
  }
}
