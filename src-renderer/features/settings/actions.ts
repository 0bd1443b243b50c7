import type {
  MethodParams,
  MethodResult,
  ModelRef,
  Provider,
  SettingsSnapshot,
} from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { useSettings } from '../../stores/settings.js';

/** Re-reads the whole snapshot: a save can move the app's default, which the Provider answer omits. */
export async function refreshSettings(): Promise<SettingsSnapshot> {
  const snapshot = await client().call('settings.get', {});
  useSettings.getState().setSnapshot(snapshot);
  return snapshot;
}

export async function saveProvider(params: MethodParams<'providers.save'>): Promise<Provider> {
  const provider = await client().call('providers.save', params);
  useSettings.getState().upsertProvider(provider);
  // The answer already shows the save; a failed re-read only means settings.updated will catch up.
  await refreshSettings().catch((err: unknown) => console.warn('cell0: settings re-read failed', err));
  return provider;
}

export async function removeProvider(id: string): Promise<void> {
  await client().call('providers.remove', { id });
  useSettings.getState().removeProvider(id);
  await refreshSettings().catch((err: unknown) => console.warn('cell0: settings re-read failed', err));
}

/** "Test connection": lists the models of a saved provider or of a draft; throws a message for people. */
export function listModels(
  params: MethodParams<'providers.models'>,
): Promise<MethodResult<'providers.models'>> {
  return client().call('providers.models', params);
}

const inFlight = new Map<string, Promise<void>>();

/** Fetches a saved provider's models once (or again with force); the store keeps the answer. */
export function ensureProviderModels(providerId: string, force = false): Promise<void> {
  const known = useSettings.getState().models[providerId];
  if (!force && known && known.status !== 'error') return inFlight.get(providerId) ?? Promise.resolve();
  const running = inFlight.get(providerId);
  if (running) return running;
  useSettings.getState().setModelList(providerId, { status: 'loading' });
  const request = listModels({ id: providerId })
    .then(({ models }) => useSettings.getState().setModelList(providerId, { status: 'ready', models }))
    .catch((err: unknown) =>
      useSettings.getState().setModelList(providerId, { status: 'error', message: errorMessage(err) }),
    )
    .finally(() => inFlight.delete(providerId));
  inFlight.set(providerId, request);
  return request;
}

export function ensureAllProviderModels(): void {
  for (const p of useSettings.getState().snapshot?.providers ?? []) void ensureProviderModels(p.id);
}

export async function setDefaultModel(modelRef: ModelRef): Promise<void> {
  useSettings.getState().setSnapshot(await client().call('settings.setDefaultModel', { modelRef }));
}

export async function setOnboardingDone(done: boolean): Promise<void> {
  useSettings.getState().setSnapshot(await client().call('settings.setOnboardingDone', { done }));
}

/** Saves one or more desktop settings; the answer is the whole snapshot (settings.updated follows too). */
export async function setDesktopSettings(patch: MethodParams<'settings.setDesktop'>): Promise<void> {
  useSettings.getState().setSnapshot(await client().call('settings.setDesktop', patch));
}
