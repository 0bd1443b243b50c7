import { ArrowRight, HardDrive } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { errorMessage } from '../../lib/client.js';
import { formatBytes } from '../../lib/local-model-format.js';
import { useLocalModels } from '../../stores/local-models.js';
import { loadCatalog } from '../local-models/actions.js';
import { DownloadStatus } from '../local-models/DownloadStatus.js';
import { runLocally } from './actions.js';

const ACCELERATOR_WORDS = {
  cpu: 'the CPU',
  metal: 'Metal (the GPU)',
  cuda: 'CUDA (the GPU)',
  vulkan: 'Vulkan (the GPU)',
} as const;

/**
 * Onboarding's "Run a model on this computer": the catalog model that fits this machine's memory
 * and accelerator, downloaded here with its progress; once it checks out, it becomes the default
 * and the first chat opens.
 */
export function RunLocally() {
  const catalog = useLocalModels((s) => s.catalog);
  const machine = useLocalModels((s) => s.machine);
  const [choice, setChoice] = useState('');
  const [pulling, setPulling] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const model = useLocalModels((s) => (pulling ? s.models[pulling] : undefined));
  const ids = { title: useId(), pick: useId() };

  useEffect(() => {
    void loadCatalog().catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  const chat = (catalog ?? []).filter((e) => e.kind === 'chat');
  const picked = choice || machine?.recommendedChat || chat[0]?.name || '';
  const entry = chat.find((e) => e.name === picked);

  function start(): void {
    if (!picked) return;
    setError(null);
    setPulling(picked);
    runLocally(picked).catch((err: unknown) => setError(errorMessage(err)));
  }

  return (
    <section className="onboarding-local" aria-labelledby={ids.title} data-testid="onboarding-local">
      <h2 id={ids.title} className="onboarding-local-title">
        <HardDrive size={16} aria-hidden /> Run a model on this computer
      </h2>
      <p className="muted">
        No account and no key: the model is downloaded once and runs here, so nothing you write leaves this
        computer.
        {machine &&
          ` This computer has ${formatBytes(machine.totalMemoryBytes)} of memory and runs models on ${ACCELERATOR_WORDS[machine.accelerator]}.`}
      </p>
      {catalog === null && !error && <p className="muted">Reading the catalog…</p>}
      {chat.length > 0 && !pulling && (
        <div className="onboarding-local-pick">
          <div className="field">
            <label htmlFor={ids.pick}>Model</label>
            <select
              id={ids.pick}
              className="select"
              data-testid="onboarding-local-model"
              value={picked}
              onChange={(e) => setChoice(e.target.value)}
            >
              {chat.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.label}
                  {e.name === machine?.recommendedChat ? ' (recommended)' : ''} — {formatBytes(e.sizeBytes)}
                </option>
              ))}
            </select>
            {entry && (
              <p className="field-help">
                {entry.description} Needs about {formatBytes(entry.memoryBytes)} of memory · {entry.licence}.
              </p>
            )}
          </div>
          <button
            type="button"
            className="button button-primary"
            data-testid="onboarding-local-start"
            onClick={start}
          >
            Download and start
            <ArrowRight size={15} aria-hidden />
          </button>
        </div>
      )}
      {model && model.state !== 'ready' && <DownloadStatus model={model} />}
      {model?.state === 'ready' && <p role="status">{model.label} is ready. Opening your first chat…</p>}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
