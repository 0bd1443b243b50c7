import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';

const providerConfigSchema = z.object({
  kind: z.literal('openai-compatible'),
  baseUrl: z.string(),
  model: z.string(),
});

const settingsSchema = z.object({
  provider: providerConfigSchema.nullable().default(null),
});

export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type Settings = z.infer<typeof settingsSchema>;

/**
 * Non-secret settings in `settings.json`, through conf (electron-store's engine, which works
 * without Electron). Read through zod so a hand-edited or older file cannot put bad values in
 * front of the app: what does not parse falls back to defaults and is rewritten on next save.
 */
export class SettingsStore {
  private store: Conf<Record<string, unknown>> | null = null;

  constructor(private readonly dataDir: string) {}

  /** Opened at start, not at construction: a bad data directory fails start-up like every other service. */
  async start(): Promise<void> {
    try {
      this.store = this.open();
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      // A damaged file is kept beside the new one for the owner to inspect, never deleted.
      this.setAside = join(this.dataDir, `settings.corrupt-${Date.now()}.json`);
      await rename(join(this.dataDir, 'settings.json'), this.setAside);
      this.store = this.open();
    }
  }

  /** Where a damaged settings file was moved at start, if one was. */
  setAside: string | null = null;

  private open(): Conf<Record<string, unknown>> {
    return new Conf<Record<string, unknown>>({
      cwd: this.dataDir,
      configName: 'settings',
      projectName: 'cell0',
      clearInvalidConfig: false,
    });
  }

  async stop(): Promise<void> {
    this.store = null;
  }

  private get conf(): Conf<Record<string, unknown>> {
    if (!this.store) throw new Error('Settings are not open.');
    return this.store;
  }

  read(): Settings {
    const parsed = settingsSchema.safeParse(this.conf.store);
    return parsed.success ? parsed.data : settingsSchema.parse({});
  }

  provider(): ProviderConfig | null {
    return this.read().provider;
  }

  setProvider(provider: ProviderConfig | null): void {
    this.conf.set('provider', provider);
  }
}
