import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_DESKTOP_SETTINGS,
  PROVIDER_KINDS,
  desktopSettingsSchema,
  modelRefSchema,
} from '../protocol/entities.js';
import { embedderChoiceSchema, personaSchema, type Persona } from '../protocol/memory-entities.js';
import {
  DEFAULT_CONVERSATION_SETTINGS,
  conversationSettingsSchema,
  type ConversationSettings,
} from '../protocol/entities.js';
import { DEFAULT_SWARM_BUDGET, swarmBudgetSchema, type SwarmBudget } from '../protocol/swarm-entities.js';
import { meshSettingsSchema, type MeshSettings } from '../protocol/mesh-entities.js';
import {
  DEFAULT_GATEWAY_SETTINGS,
  gatewaySettingsSchema,
  type GatewaySettings,
} from '../protocol/automation-entities.js';
import { JsonFile } from './json-file.js';
import { lazySchema } from '../protocol/lazy-schema.js';

const providerConfigSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    kind: z.enum(PROVIDER_KINDS),
    name: z.string(),
    baseUrl: z.string(),
    defaultModel: z.string().nullable(),
    /** Whether a key was put in the keychain: not a secret, and knowing it spares a keychain round trip. */
    keyStored: z.boolean(),
  }),
);

const settingsSchema = lazySchema(() =>
  z.object({
    providers: z.array(providerConfigSchema).default([]),
    defaultModel: modelRefSchema.nullable().default(null),
    onboardingDone: z.boolean().default(false),
    desktop: desktopSettingsSchema.default(DEFAULT_DESKTOP_SETTINGS),
  }),
);

export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_PERSONA: Persona = {
  name: 'Cell 0',
  character:
    'Calm, warm and direct. You remember what the owner told you before and use it quietly, ' +
    'without reciting it. You say so when you are unsure, and you keep answers as short as they can be.',
};

const memorySettingsSchema = lazySchema(() =>
  z.object({
    /** What the memory daemon may spend on models per day; 0 turns its model work off. */
    tokensPerDay: z.number().int().min(0),
    /**
     * Where memory search gets its vectors. Kept as chosen even while it cannot be used (a locked
     * keychain, a provider that is down): the core falls back and says why, and the choice returns.
     */
    embedder: embedderChoiceSchema,
  }),
);

export type MemorySettings = z.infer<typeof memorySettingsSchema>;

export const DEFAULT_MEMORY_SETTINGS: MemorySettings = {
  tokensPerDay: 200_000,
  embedder: { kind: 'built-in' },
};

/** Field by field, so one bad value in a hand-edited file does not reset its neighbours. */
function tolerantObject<T extends Record<string, unknown>>(
  schema: z.ZodObject,
  raw: unknown,
  defaults: T,
): T {
  const record = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return Object.fromEntries(
    Object.entries(defaults).map(([key, fallback]) => {
      const field = schema.shape[key] as z.ZodType | undefined;
      return [key, field?.safeParse(record[key]).success ? record[key] : fallback];
    }),
  ) as T;
}

/**
 * Non-secret settings in `settings.json`, kept as conf (electron-store's engine) keeps it (see
 * json-file.ts). Read through zod so a hand-edited or older file cannot put bad values in
 * front of the app: what does not parse falls back to defaults and is rewritten on next save.
 */
export class SettingsStore {
  private store: JsonFile | null = null;

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

  private open(): JsonFile {
    const file = new JsonFile(join(this.dataDir, 'settings.json'));
    void file.store; // a damaged file throws here, at start, where it is set aside
    return file;
  }

  async stop(): Promise<void> {
    this.store = null;
  }

  private get conf(): JsonFile {
    if (!this.store) throw new Error('Settings are not open.');
    return this.store;
  }

  /** Every field that parses is used; a field of the wrong shape falls back to its default alone. */
  read(): Settings {
    const raw = this.conf.store;
    const fields = settingsSchema.shape;
    return {
      providers: Array.isArray(raw.providers)
        ? raw.providers.flatMap((p) => providerConfigSchema.safeParse(p).data ?? [])
        : [],
      defaultModel: fields.defaultModel.safeParse(raw.defaultModel).data ?? null,
      onboardingDone: fields.onboardingDone.safeParse(raw.onboardingDone).data ?? false,
      // Field by field, so one bad value does not reset the others.
      desktop: Object.fromEntries(
        Object.entries(DEFAULT_DESKTOP_SETTINGS).map(([key, fallback]) => {
          const value = (raw.desktop as Record<string, unknown> | undefined)?.[key];
          const field = desktopSettingsSchema.shape[key as keyof typeof DEFAULT_DESKTOP_SETTINGS];
          return [key, field.safeParse(value).success ? value : fallback];
        }),
      ) as Settings['desktop'],
    };
  }

  /**
   * The persona and the memory budget are kept beside `read()`'s fields rather than in them:
   * provider and desktop code rewrites `read()`'s snapshot and need not know about memory.
   */
  persona(): Persona {
    return tolerantObject(personaSchema, this.conf.store.persona, DEFAULT_PERSONA);
  }

  setPersona(persona: Persona): Persona {
    const parsed = personaSchema.parse(persona);
    this.conf.set('persona', parsed);
    return parsed;
  }

  memory(): MemorySettings {
    return tolerantObject(memorySettingsSchema, this.conf.store.memory, DEFAULT_MEMORY_SETTINGS);
  }

  /** What a swarm may spend unless its start says otherwise. */
  swarmBudget(): SwarmBudget {
    return tolerantObject(swarmBudgetSchema, this.conf.store.swarmBudget, DEFAULT_SWARM_BUDGET);
  }

  setSwarmBudget(budget: SwarmBudget): SwarmBudget {
    const parsed = swarmBudgetSchema.parse(budget);
    this.conf.set('swarmBudget', parsed);
    return parsed;
  }

  /** What a new conversation starts with (its panel changes each one afterwards). */
  conversationDefaults(): ConversationSettings {
    return tolerantObject(
      conversationSettingsSchema,
      this.conf.store.conversationDefaults,
      DEFAULT_CONVERSATION_SETTINGS,
    );
  }

  setConversationDefaults(defaults: ConversationSettings): ConversationSettings {
    const parsed = conversationSettingsSchema.parse(defaults);
    this.conf.set('conversationDefaults', parsed);
    return parsed;
  }

  /** The mesh's settings; `defaults` (which know this machine's name) fill what was never set. */
  mesh(defaults: MeshSettings): MeshSettings {
    return tolerantObject(meshSettingsSchema, this.conf.store.mesh, defaults);
  }

  setMesh(mesh: MeshSettings): MeshSettings {
    const parsed = meshSettingsSchema.parse(mesh);
    this.conf.set('mesh', parsed);
    return parsed;
  }

  /** Where the gateway listens; read when it starts, so a change applies at the next start. */
  gateway(): GatewaySettings {
    return tolerantObject(gatewaySettingsSchema, this.conf.store.gateway, DEFAULT_GATEWAY_SETTINGS);
  }

  setGateway(gateway: GatewaySettings): GatewaySettings {
    const parsed = gatewaySettingsSchema.parse(gateway);
    this.conf.set('gateway', parsed);
    return parsed;
  }

  setMemory(memory: MemorySettings): MemorySettings {
    const parsed = memorySettingsSchema.parse(memory);
    this.conf.set('memory', parsed);
    return parsed;
  }

  write(settings: Settings): void {
    this.conf.set(settingsSchema.parse(settings));
  }

  update(change: (settings: Settings) => Settings): Settings {
    const next = change(this.read());
    this.write(next);
    return next;
  }
}
