import type {
  Conversation,
  ModelInfo,
  ModelRef,
  Provider,
  SettingsSnapshot,
} from '../../src-main/core/protocol/index.js';

/** The value of a model option in a <select>: provider ids never hold '/', model names may. */
export function modelRefKey(ref: ModelRef): string {
  return `${ref.providerId}/${ref.model}`;
}

export function parseModelRefKey(key: string): ModelRef | null {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return null;
  return { providerId: key.slice(0, slash), model: key.slice(slash + 1) };
}

export function sameModelRef(a: ModelRef | null | undefined, b: ModelRef | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.providerId === b.providerId && a.model === b.model;
}

/**
 * "model · provider", the one way a model is named in the window: two providers may offer the
 * same model, and the name alone would not say which one answers.
 */
export function modelLabel(model: string, providerName: string | null | undefined): string {
  return providerName ? `${model} · ${providerName}` : model;
}

/** modelLabel for a reference; a provider that is gone is said so. */
export function describeModelRef(ref: ModelRef, providers: readonly Provider[]): string {
  const provider = providers.find((p) => p.id === ref.providerId);
  return provider ? modelLabel(ref.model, provider.name) : `${ref.model} (provider removed)`;
}

/** The model that will answer next in a conversation: its own, else the app's default. */
export function effectiveModelRef(
  conversation: Pick<Conversation, 'modelRef'> | undefined,
  defaultModel: ModelRef | null,
): ModelRef | null {
  return conversation?.modelRef ?? defaultModel;
}

/** A conversation can send once a configured provider and a model would answer it. */
export function canChat(
  settings: SettingsSnapshot | null,
  conversation: Pick<Conversation, 'modelRef'> | undefined,
): boolean {
  if (!settings) return false;
  const ref = effectiveModelRef(conversation, settings.defaultModel);
  return !!ref && settings.providers.some((p) => p.id === ref.providerId);
}

/** A provider's model list as the window knows it: fetched lazily, per provider. */
export type ModelList =
  { status: 'loading' } | { status: 'ready'; models: ModelInfo[] } | { status: 'error'; message: string };

export interface ModelOptionGroup {
  providerId: string;
  label: string;
  /** `label` names the provider too: a closed select shows only the option, not its group. */
  options: { key: string; model: string; label: string }[];
  /** Set while the list is loading or failed, so the picker can say why it is short. */
  note: string | null;
}

/**
 * Options for a model <select>, grouped by provider. Models the settings already name (the
 * default, a provider's default, the current choice) are always present, even before or without
 * a fetched list, so a select never shows a value it has no option for.
 */
export function buildModelOptions(
  providers: Provider[],
  lists: Readonly<Record<string, ModelList | undefined>>,
  extra: (ModelRef | null | undefined)[],
): ModelOptionGroup[] {
  return providers.map((provider) => {
    const names: string[] = [];
    const add = (model: string | null | undefined) => {
      if (model && !names.includes(model)) names.push(model);
    };
    for (const ref of extra) if (ref?.providerId === provider.id) add(ref.model);
    add(provider.defaultModel);
    const list = lists[provider.id];
    if (list?.status === 'ready') for (const m of list.models) add(m.id);
    let note: string | null = null;
    if (!list || list.status === 'loading') note = 'loading models…';
    else if (list.status === 'error') note = 'models unavailable';
    return {
      providerId: provider.id,
      label: provider.name,
      options: names.map((model) => ({
        key: modelRefKey({ providerId: provider.id, model }),
        model,
        label: modelLabel(model, provider.name),
      })),
      note,
    };
  });
}

/** Providers whose model list no longer holds: removed, or pointed somewhere else. */
export function staleModelLists(before: Provider[], after: Provider[]): string[] {
  return before
    .filter((old) => {
      const now = after.find((p) => p.id === old.id);
      return !now || now.kind !== old.kind || now.baseUrl !== old.baseUrl || now.hasApiKey !== old.hasApiKey;
    })
    .map((p) => p.id);
}
