import type { LocalModel } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import type { Client } from '../../lib/client.js';
import { useLocalModels } from '../../stores/local-models.js';

/** The provider id of the models on this computer (the core's LOCAL_PROVIDER_ID; a value, so not imported). */
export const LOCAL_PROVIDER = 'local';

export async function loadLocalModels(): Promise<void> {
  useLocalModels.getState().setAll((await client().call('localModels.list', {})).models);
}

/** The catalog and what this computer offers; asked once a view needs it. */
export async function loadCatalog(): Promise<void> {
  const { entries, machine } = await client().call('localModels.catalog', {});
  useLocalModels.getState().setCatalog(entries, machine);
}

export async function pullModel(params: { name?: string; source?: string }): Promise<LocalModel> {
  const model = await client().call('localModels.pull', params);
  useLocalModels.getState().updated(model);
  return model;
}

export async function pauseModel(name: string): Promise<void> {
  useLocalModels.getState().updated(await client().call('localModels.pause', { name }));
}

export async function removeModel(name: string): Promise<void> {
  await client().call('localModels.remove', { name });
  useLocalModels.getState().removed(name);
}

/** The local model events, kept here so app/sync.ts only spreads them in. */
export function localModelListeners(c: Client): (() => void)[] {
  return [
    c.on('localModel.updated', ({ model }) => useLocalModels.getState().updated(model)),
    c.on('localModel.removed', ({ name }) => useLocalModels.getState().removed(name)),
  ];
}
