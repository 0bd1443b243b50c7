import type { ProviderRegistry, ResolvedModel } from '../agents/provider-registry.js';
import { Cell0Error } from '../protocol/errors.js';
import type { MeshCapabilities } from '../protocol/mesh-entities.js';

const LOCAL_KINDS = new Set(['ollama', 'lmstudio']);

/** This instance's providers and their chat models, as its peers see them (a provider that is down lists none). */
export async function providerOffer(providers: ProviderRegistry): Promise<MeshCapabilities['providers']> {
  const { providers: list } = providers.snapshot();
  return Promise.all(
    list.map(async (p) => {
      const models = await providers
        .models({ id: p.id })
        .then((ms) => ms.map((m) => m.id).filter((id) => !/embed/i.test(id)))
        .catch(() => (p.defaultModel ? [p.defaultModel] : []));
      return {
        providerId: p.id,
        providerName: p.name,
        kind: p.kind,
        local: p.local || LOCAL_KINDS.has(p.kind),
        models: models.slice(0, 100),
      };
    }),
  );
}

/**
 * The model a remote worker asks for, from whichever provider here lists it; else this
 * instance's default model (the worker still runs, on what this machine has).
 */
export async function resolveByName(providers: ProviderRegistry, model: string): Promise<ResolvedModel> {
  for (const p of await providerOffer(providers)) {
    if (p.models.includes(model)) return providers.resolve({ providerId: p.providerId, model });
  }
  try {
    return await providers.resolve(null);
  } catch (err) {
    if (err instanceof Cell0Error) throw new Cell0Error(err.code, 'it has no model set up');
    throw err;
  }
}
