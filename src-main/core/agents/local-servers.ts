import { z } from 'zod';
import type { LocalServer } from '../protocol/entities.js';
import { lazySchema } from '../protocol/lazy-schema.js';

export interface LocalServerUrls {
  /** Ollama's native API root (it serves the OpenAI-compatible API under /v1). */
  ollama?: string;
  /** LM Studio's OpenAI-compatible API root. */
  lmstudio?: string;
}

export const DEFAULT_LOCAL_SERVERS: Required<LocalServerUrls> = {
  ollama: 'http://127.0.0.1:11434',
  lmstudio: 'http://127.0.0.1:1234/v1',
};

const ollamaTagsSchema = lazySchema(() => z.object({ models: z.array(z.object({ name: z.string() })) }));
const openAiListSchema = lazySchema(() => z.object({ data: z.array(z.object({ id: z.string() })) }));

async function probe(url: string, timeoutMs: number): Promise<unknown> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/** Finds Ollama and LM Studio when they run on this machine; a quick, quiet miss otherwise. */
export async function detectLocalServers(
  urls: LocalServerUrls = {},
  timeoutMs = 800,
): Promise<LocalServer[]> {
  const ollama = (urls.ollama ?? DEFAULT_LOCAL_SERVERS.ollama).replace(/\/+$/, '');
  const lmstudio = (urls.lmstudio ?? DEFAULT_LOCAL_SERVERS.lmstudio).replace(/\/+$/, '');
  const [tags, lmModels] = await Promise.all([
    probe(`${ollama}/api/tags`, timeoutMs),
    probe(`${lmstudio}/models`, timeoutMs),
  ]);
  const servers: LocalServer[] = [];
  const ollamaModels = ollamaTagsSchema.safeParse(tags);
  if (ollamaModels.success) {
    servers.push({
      preset: 'ollama',
      name: 'Ollama',
      baseUrl: `${ollama}/v1`,
      models: ollamaModels.data.models.map((m) => m.name),
    });
  }
  const lm = openAiListSchema.safeParse(lmModels);
  if (lm.success) {
    servers.push({
      preset: 'lmstudio',
      name: 'LM Studio',
      baseUrl: lmstudio,
      models: lm.data.data.map((m) => m.id),
    });
  }
  return servers;
}
