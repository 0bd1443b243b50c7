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
  private readonly conf: Conf<Record<string, unknown>>;

  constructor(dataDir: string) {
    this.conf = new Conf<Record<string, unknown>>({
      cwd: dataDir,
      configName: 'settings',
      projectName: 'cell0',
      clearInvalidConfig: false,
    });
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
