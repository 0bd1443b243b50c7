import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { catalogEntrySchema, type CatalogEntry } from '../../protocol/local-model-entities.js';
import bundled from '../../../../resources/model-catalog.json';
import { lazySchema } from '../../protocol/lazy-schema.js';

const catalogFileSchema = lazySchema(() => z.object({ models: z.array(catalogEntrySchema) }));

/**
 * The models Cell 0 offers to download (resources/model-catalog.json, built into the app). A
 * catalog file of the same shape can stand in for it (CELL0_MODEL_CATALOG): a mirror, an
 * organisation's own list, or the tests' local server.
 */
export class ModelCatalog {
  readonly entries: readonly CatalogEntry[];

  constructor(file?: string) {
    const raw: unknown = file ? JSON.parse(readFileSync(file, 'utf8')) : bundled;
    const parsed = catalogFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(
        `The model catalog${file ? ` ${file}` : ''} is not valid: ${parsed.error.issues[0]?.message ?? 'bad shape'}`,
      );
    }
    this.entries = parsed.data.models;
  }

  find(name: string): CatalogEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }
}
