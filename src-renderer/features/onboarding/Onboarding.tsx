import { ArrowRight, Cloud, Cpu, Loader2, Server } from 'lucide-react';
import { useEffect, useId, useReducer, useRef } from 'react';
import { createPortal } from 'react-dom';
import { ConnectionTestResult } from '../../components/ConnectionTestResult.js';
import { errorMessage } from '../../lib/client.js';
import { plural } from '../../lib/plural.js';
import { listModels } from '../settings/actions.js';
import { describeSaveError } from '../settings/settings-errors.js';
import { detectLocalServers, finishOnboarding, skipOnboarding } from './actions.js';
import {
  CHOICE_ORDER,
  CHOICES,
  canFinish,
  detectedServer,
  initialOnboarding,
  needsKey,
  needsUrl,
  onboardingReducer,
  testBlocker,
  toDraftParams,
  type Choice,
  type OnboardingState,
} from './onboarding-model.js';
import { RunLocally } from './RunLocally.js';

const ICONS: Record<Choice, typeof Cloud> = {
  openai: Cloud,
  anthropic: Cloud,
  ollama: Cpu,
  lmstudio: Cpu,
  custom: Server,
};

/**
 * First-run setup as a modal <dialog> over the app: the browser traps focus and Esc skips. One
 * card, top to bottom: pick a provider, give it a key or an address, test, pick a model, start.
 */
export function Onboarding() {
  const [state, dispatch] = useReducer(onboardingReducer, initialOnboarding);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  useEffect(() => {
    let live = true;
    void detectLocalServers().then((servers) => {
      if (live) dispatch({ type: 'detected', servers });
    });
    return () => {
      live = false;
    };
  }, []);

  async function runTest(): Promise<void> {
    if (testBlocker(state)) return;
    dispatch({ type: 'testStarted' });
    try {
      const { models } = await listModels(toDraftParams(state));
      dispatch({ type: 'testSucceeded', models: models.map((m) => m.id) });
    } catch (err) {
      dispatch({ type: 'testFailed', message: errorMessage(err) });
    }
  }

  async function finish(): Promise<void> {
    if (!canFinish(state)) return;
    dispatch({ type: 'finishStarted' });
    try {
      await finishOnboarding(state);
    } catch (err) {
      dispatch({ type: 'finishFailed', message: describeSaveError(err) });
    }
  }

  return createPortal(
    <dialog
      ref={ref}
      className="onboarding"
      data-testid="onboarding"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        void skipOnboarding();
      }}
    >
      <header className="onboarding-header">
        <span className="brand-mark" aria-hidden />
        <div>
          <h1 id={titleId}>Connect a model</h1>
          <p className="muted">
            Cell 0 talks to a model you choose — in the cloud or on this computer. You can add more later in
            Settings.
          </p>
        </div>
      </header>

      <ChoiceList state={state} onChoose={(choice) => dispatch({ type: 'choose', choice })} />
      {!state.choice && <RunLocally />}

      {state.choice && (
        <ConnectStep
          key={state.choice}
          state={state}
          choice={state.choice}
          onBaseUrl={(value) => dispatch({ type: 'baseUrl', value })}
          onApiKey={(value) => dispatch({ type: 'apiKey', value })}
          onName={(value) => dispatch({ type: 'name', value })}
          onModel={(value) => dispatch({ type: 'model', value })}
          onTest={() => void runTest()}
          onFinish={() => void finish()}
        />
      )}

      <footer className="onboarding-footer">
        <button
          type="button"
          className="button button-ghost"
          data-testid="onboarding-skip"
          onClick={() => void skipOnboarding()}
        >
          Skip for now
        </button>
        <span className="muted onboarding-footnote">Keys go to your system keychain, never to a file.</span>
      </footer>
    </dialog>,
    document.body,
  );
}

function ChoiceList({ state, onChoose }: { state: OnboardingState; onChoose(choice: Choice): void }) {
  return (
    <div className="onboarding-choices" role="group" aria-label="Model provider">
      {CHOICE_ORDER.map((choice) => {
        const info = CHOICES[choice];
        const Icon = ICONS[choice];
        const found = detectedServer(state, choice);
        const selected = state.choice === choice;
        return (
          <button
            key={choice}
            type="button"
            className={selected ? 'onboarding-choice selected' : 'onboarding-choice'}
            data-testid={`onboarding-choice-${choice}`}
            aria-pressed={selected}
            onClick={() => onChoose(choice)}
          >
            <Icon size={18} aria-hidden className="onboarding-choice-icon" />
            <span className="onboarding-choice-text">
              <span className="onboarding-choice-label">{info.label}</span>
              <span className="onboarding-choice-blurb">{info.blurb}</span>
            </span>
            {found && (
              <span className="badge badge-success" data-testid={`onboarding-detected-${choice}`}>
                Running on this computer · {plural(found.models.length, 'model')}
              </span>
            )}
          </button>
        );
      })}
      {state.detected === null && (
        <p className="muted onboarding-looking" role="status">
          <Loader2 size={13} className="spin" aria-hidden /> Looking for Ollama and LM Studio on this
          computer…
        </p>
      )}
    </div>
  );
}

interface ConnectStepProps {
  state: OnboardingState;
  choice: Choice;
  onBaseUrl(value: string): void;
  onApiKey(value: string): void;
  onName(value: string): void;
  onModel(value: string): void;
  onTest(): void;
  onFinish(): void;
}

function ConnectStep({
  state,
  choice,
  onBaseUrl,
  onApiKey,
  onName,
  onModel,
  onTest,
  onFinish,
}: ConnectStepProps) {
  const ids = { url: useId(), key: useId(), name: useId(), model: useId(), blocker: useId() };
  const info = CHOICES[choice];
  const blocker = testBlocker(state);
  const tested = state.test.kind === 'ok';
  const keyOptional = info.needs === 'url+key';

  return (
    <form
      className="onboarding-connect"
      aria-label={`Connect ${info.label}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        // Enter tests first, then starts: the same key walks the whole flow.
        if (tested) onFinish();
        else onTest();
      }}
    >
      {needsUrl(choice) && (
        <div className="field">
          <label htmlFor={ids.url}>Server address</label>
          <input
            id={ids.url}
            data-testid="onboarding-base-url"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            placeholder="https://openrouter.ai/api/v1"
            value={state.baseUrl}
            onChange={(e) => onBaseUrl(e.target.value)}
          />
        </div>
      )}
      {needsKey(choice) && (
        <div className="field">
          <label htmlFor={ids.key}>API key{keyOptional ? ' (if the server needs one)' : ''}</label>
          <input
            id={ids.key}
            data-testid="onboarding-api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            autoFocus={!needsUrl(choice)}
            placeholder={choice === 'anthropic' ? 'sk-ant-…' : 'sk-…'}
            value={state.apiKey}
            onChange={(e) => onApiKey(e.target.value)}
          />
        </div>
      )}

      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          data-testid="onboarding-provider-name"
          autoComplete="off"
          aria-describedby={`${ids.name}-help`}
          value={state.name}
          onChange={(e) => onName(e.target.value)}
        />
        <p className="field-help" id={`${ids.name}-help`}>
          Shown beside its models, so two servers offering the same model are told apart.
        </p>
      </div>

      <div className="form-actions">
        <button
          type="button"
          className={tested ? 'button' : 'button button-primary'}
          data-testid="onboarding-test"
          disabled={state.test.kind === 'testing' || blocker !== null}
          aria-describedby={blocker ? ids.blocker : undefined}
          onClick={onTest}
        >
          {state.test.kind === 'testing' && <Loader2 size={14} className="spin" aria-hidden />}
          Test connection
        </button>
        {blocker && state.test.kind === 'idle' && (
          <span className="muted field-help" id={ids.blocker}>
            {blocker}
          </span>
        )}
      </div>

      <ConnectionTestResult test={state.test} testId="onboarding-test-result" />

      {state.test.kind === 'ok' && (
        <div className="field">
          <label htmlFor={ids.model}>Model to start with</label>
          {state.test.models.length > 0 ? (
            <select
              id={ids.model}
              data-testid="onboarding-model"
              className="select"
              value={state.model}
              onChange={(e) => onModel(e.target.value)}
            >
              {state.test.models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={ids.model}
              data-testid="onboarding-model"
              autoComplete="off"
              spellCheck={false}
              placeholder="Model name"
              value={state.model}
              onChange={(e) => onModel(e.target.value)}
            />
          )}
        </div>
      )}

      {state.finishError && (
        <p className="inline-error" role="alert">
          {state.finishError}
        </p>
      )}

      {state.test.kind === 'ok' && (
        <button
          type="submit"
          className="button button-primary onboarding-finish"
          data-testid="onboarding-finish"
          autoFocus
          disabled={!canFinish(state)}
        >
          {state.finishing ? 'Saving…' : 'Start chatting'}
          <ArrowRight size={15} aria-hidden />
        </button>
      )}
    </form>
  );
}
