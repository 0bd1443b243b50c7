import type { LocalModel, LocalServer } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { useUi } from '../../stores/ui.js';
import { useLocalModels } from '../../stores/local-models.js';
import { createConversation } from '../conversations/actions.js';
import { LOCAL_PROVIDER, pullModel } from '../local-models/actions.js';
import { saveProvider, setDefaultModel, setOnboardingDone } from '../settings/actions.js';
import { toFinishParams, type OnboardingState } from './onboarding-model.js';

/** Never throws: not finding a local server is an ordinary answer, and so is failing to look. */
export async function detectLocalServers(): Promise<LocalServer[]> {
  try {
    return (await client().call('providers.detectLocal', {})).servers;
  } catch (err) {
    console.warn('cell0: looking for local model servers failed', err);
    return [];
  }
}

function closeToChat(): void {
  const ui = useUi.getState();
  ui.closeOnboarding();
  ui.setView('chat');
  ui.focusComposer();
}

/** Saves the provider as the default, then marks setup done; the save's error is the one to show. */
export async function finishOnboarding(state: OnboardingState): Promise<void> {
  await saveProvider(toFinishParams(state));
  closeToChat();
  // The provider is saved and usable; a lost flag only means setup is offered again next time.
  await setOnboardingDone(true).catch((err: unknown) =>
    console.warn('cell0: could not mark setup done', err),
  );
}

export async function skipOnboarding(): Promise<void> {
  closeToChat();
  await setOnboardingDone(true).catch((err: unknown) =>
    console.warn('cell0: could not mark setup done', err),
  );
}

/**
 * A model on this computer is ready: it becomes the default, setup is done, and the first chat
 * opens with the composer focused.
 */
export async function finishWithLocalModel(name: string): Promise<void> {
  await setDefaultModel({ providerId: LOCAL_PROVIDER, model: name });
  await createConversation();
  closeToChat();
  await setOnboardingDone(true).catch((err: unknown) =>
    console.warn('cell0: could not mark setup done', err),
  );
}

/**
 * Downloads a model for onboarding and, once it checks out, finishes setup with it. Kept outside
 * the dialog: the dialog goes away as soon as the first provider (this computer) appears, and
 * finishing must not go with it. Rejects with the reason when the download fails.
 */
export async function runLocally(name: string): Promise<void> {
  const started = await pullModel({ name });
  await new Promise<void>((resolve, reject) => {
    let unsubscribe = (): void => undefined;
    const check = (model: LocalModel | undefined): void => {
      if (model?.state === 'ready') {
        unsubscribe();
        resolve();
      } else if (model?.state === 'failed') {
        unsubscribe();
        reject(new Error(model.error?.message ?? 'The download failed.'));
      }
    };
    unsubscribe = useLocalModels.subscribe((s) => check(s.models[started.name]));
    check(started.state === 'ready' ? started : useLocalModels.getState().models[started.name]);
  });
  await finishWithLocalModel(started.name);
}
