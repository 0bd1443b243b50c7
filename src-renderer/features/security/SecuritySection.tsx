import { ShieldAlert, ShieldCheck } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import type { CheckpointReport, CheckpointResult } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { SETTING_TARGETS, goToSetting, sortedForReading } from './checkpoint-view.js';

const RUNNER_WORDS: Record<CheckpointReport['runner'], string> = {
  cli: 'by `cell0 checkpoints`',
  desktop: 'by the app',
  serve: 'by the app',
};

/** Settings → Security: the last checkpoint run (by the app or `cell0 checkpoints`) and a Run button. */
export function SecuritySection() {
  const [report, setReport] = useState<CheckpointReport | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showPassing, setShowPassing] = useState(false);
  const id = useId();

  useEffect(() => {
    client()
      .call('checkpoints.last', {})
      .then(({ report: last }) => setReport(last))
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => setLoaded(true));
    return client().on('checkpoints.progress', ({ done, total }) => setProgress({ done, total }));
  }, []);

  const run = () => {
    setError(null);
    setProgress({ done: 0, total: 0 });
    client()
      .call('checkpoints.run', {})
      .then((next) => setReport(next))
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => setProgress(null));
  };

  const running = progress !== null;
  const rows = report ? sortedForReading(report.checkpoints) : [];
  const shown = showPassing ? rows : rows.filter((r) => r.status === 'FAIL' || r.status === 'WARN');

  return (
    <section
      className="settings-section security"
      data-testid="settings-section-security"
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>Security</h2>
      <p className="muted">
        The checkpoint audit tries every boundary on this machine for real: escape attempts in the tool
        sandbox, the keychain, the identity and audit log, the data directory, the gateway, channels, MCP
        servers, rules and providers. `cell0 checkpoints` runs the same probes from a terminal.
      </p>
      <div className="security-run">
        <button
          type="button"
          className="button"
          data-testid="checkpoints-run"
          disabled={running}
          onClick={run}
        >
          {running ? 'Running…' : 'Run the checkpoints'}
        </button>
        {running && (
          <span className="muted" role="status" data-testid="checkpoints-progress">
            {progress.total > 0 ? `${progress.done} of ${progress.total} checkpoints` : 'Starting…'}
          </span>
        )}
        {running && progress.total > 0 && (
          <progress max={progress.total} value={progress.done} aria-label="Checkpoints done" />
        )}
      </div>
      {error && (
        <p className="inline-error" role="alert">
          The checkpoints could not run: {error}
        </p>
      )}
      {loaded && !report && !running && (
        <p className="empty-note" data-testid="checkpoints-empty">
          Not run yet. Run the checkpoints to see where this machine stands.
        </p>
      )}
      {report && (
        <>
          <p className="security-summary" data-testid="checkpoints-summary">
            {report.counts.FAIL > 0 ? (
              <ShieldAlert size={15} aria-hidden />
            ) : (
              <ShieldCheck size={15} aria-hidden />
            )}
            <span>
              Last run {new Date(report.startedAt).toLocaleString()} {RUNNER_WORDS[report.runner]} (
              {(report.durationMs / 1000).toFixed(1)} s):{' '}
              <strong data-testid="checkpoints-count-pass">{report.counts.PASS} passed</strong>,{' '}
              <strong data-testid="checkpoints-count-warn">{report.counts.WARN} warnings</strong>,{' '}
              <strong data-testid="checkpoints-count-fail">{report.counts.FAIL} failed</strong>,{' '}
              {report.counts.SKIP} skipped of {report.checkpoints.length}
            </span>
          </p>
          <label className="security-toggle">
            <input
              type="checkbox"
              checked={showPassing}
              data-testid="checkpoints-show-all"
              onChange={(e) => setShowPassing(e.target.checked)}
            />
            Show every checkpoint
          </label>
          {shown.length === 0 && <p className="muted">Nothing failed and nothing warns.</p>}
          <ul className="checkpoint-list" aria-label="Checkpoints">
            {shown.map((result) => (
              <CheckpointRow key={result.id} result={result} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function CheckpointRow({ result }: { result: CheckpointResult }) {
  const target = result.setting ? SETTING_TARGETS[result.setting] : undefined;
  return (
    <li
      className="checkpoint-row"
      data-testid="checkpoint-row"
      data-id={result.id}
      data-status={result.status}
    >
      <div className="checkpoint-head">
        <span className="checkpoint-dot" data-status={result.status} aria-hidden />
        <span className="checkpoint-status">{result.status}</span>
        <span className="checkpoint-title">{result.title}</span>
        <code className="checkpoint-id">{result.id}</code>
      </div>
      <p className="checkpoint-detail">{result.detail}</p>
      {result.fix && (result.status === 'FAIL' || result.status === 'WARN') && (
        <p className="checkpoint-fix">
          Fix: {result.fix}
          {target && (
            <>
              {' '}
              <button
                type="button"
                className="button button-small"
                data-testid="checkpoint-fix-link"
                onClick={() => goToSetting(result.setting!)}
              >
                Open {target.label}
              </button>
            </>
          )}
        </p>
      )}
    </li>
  );
}
