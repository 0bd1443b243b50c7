import { FlaskConical, X } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { LabChange, LabReport } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import {
  acceptable,
  applyLabel,
  changeBadge,
  diffLines,
  formatBytes,
  initialAccepted,
  octalMode,
} from '../../lib/lab-review.js';
import { useLabs } from '../../stores/labs.js';

/** The right side: the diff of a text file, or what changed about anything else. */
function ChangeDetail({ change }: { change: LabChange }) {
  const facts: string[] = [];
  if (change.kind === 'renamed') facts.push(`Renamed from ${change.from}`);
  if (change.after?.type === 'symlink') facts.push(`Symlink to ${change.after.target}`);
  if (change.modeChanged && change.before && change.after) {
    facts.push(`Mode ${octalMode(change.before.mode)} → ${octalMode(change.after.mode)}`);
  }
  if (change.binary && change.contentChanged) {
    const side = (s: LabChange['before']) =>
      s ? `${formatBytes(s.size)} · ${s.sha256?.slice(0, 16) ?? ''}` : 'none';
    facts.push(`Binary: ${side(change.before)} → ${side(change.after)}`);
  }
  return (
    <div className="lab-detail" data-testid="lab-detail">
      <h3 className="lab-detail-path mono">{change.path}</h3>
      {change.conflict && (
        <p className="lab-warning" role="alert">
          Conflict: {change.conflict}. Applying would overwrite that, so this file cannot be accepted.
        </p>
      )}
      {change.refused && (
        <p className="lab-warning" role="alert">
          Refused: {change.refused}.
        </p>
      )}
      {facts.length > 0 && (
        <ul className="lab-facts">
          {facts.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {change.diff ? (
        <pre className="lab-diff" data-testid="lab-diff" aria-label={`Changes to ${change.path}`}>
          {diffLines(change.diff).map((line, i) => (
            <span key={i} className={`lab-diff-line ${line.kind}`}>
              {line.text}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        facts.length === 0 && <p className="lab-muted">No text to show for this change.</p>
      )}
    </div>
  );
}

/**
 * A lab's changeset, read like a code review: files on the left (created, modified, deleted,
 * conflict), the diff on the right, accept or reject per file, one Apply button that says how many
 * files it will touch; network attempts and the commands' output under the files.
 */
export function LabReview({ labId }: { labId: string }) {
  const [report, setReport] = useState<LabReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const updatedAt = useLabs((s) => s.byId[labId]?.state);

  useEffect(() => {
    let live = true;
    client()
      .call('labs.report', { id: labId })
      .then(
        (r) => {
          if (!live) return;
          setReport(r);
          setAccepted(initialAccepted(r.changes));
          setSelected((current) => current ?? r.changes[0]?.path ?? null);
        },
        (err: unknown) => live && setError(errorMessage(err)),
      );
    return () => {
      live = false;
    };
  }, [labId, updatedAt]);

  const close = () => useLabs.getState().review(null);
  const change = useMemo(() => report?.changes.find((c) => c.path === selected) ?? null, [report, selected]);
  const open = report?.lab.state === 'open' || report?.lab.state === 'full';

  async function act(kind: 'apply' | 'discard'): Promise<void> {
    if (!report) return;
    setBusy(true);
    setError(null);
    try {
      if (kind === 'apply') {
        const paths = report.changes.filter((c) => accepted.has(c.path)).map((c) => c.path);
        const result = await client().call('labs.apply', { id: labId, paths });
        setDone(
          `Applied ${result.applied.length} of ${report.changes.length} changes; the rest were rejected.`,
        );
      } else {
        await client().call('labs.discard', { id: labId });
        setDone('Discarded: the workspace was not touched.');
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="lab-review" aria-labelledby="lab-review-title" data-testid="lab-review">
      <header className="lab-review-head">
        <FlaskConical size={16} aria-hidden />
        <h2 id="lab-review-title">Lab changes</h2>
        {report && (
          <span className="lab-muted">
            {report.lab.origin === 'swarm'
              ? 'simulated swarm'
              : report.lab.origin === 'reply'
                ? 'dry run'
                : 'tried first'}{' '}
            · {report.lab.state}
          </span>
        )}
        <button type="button" className="icon-button" aria-label="Close the lab review" onClick={close}>
          <X size={16} aria-hidden />
        </button>
      </header>
      {error && (
        <p className="lab-warning" role="alert">
          {error}
        </p>
      )}
      {report?.lab.problem && (
        <p className="lab-warning" role="alert">
          {report.lab.problem}
        </p>
      )}
      {done && (
        <p className="lab-done" role="status" data-testid="lab-done">
          {done}
        </p>
      )}
      {!report && !error && (
        <div className="loading-state" aria-busy="true" aria-label="Loading the lab's changes" />
      )}
      {report && (
        <>
          <div className="lab-review-body">
            <div className="lab-files">
              {report.changes.length === 0 && <p className="lab-muted">No file changes.</p>}
              <ul aria-label="Changed files" data-testid="lab-files">
                {report.changes.map((c) => {
                  const badge = changeBadge(c);
                  return (
                    <li key={c.path} className={c.path === selected ? 'lab-file selected' : 'lab-file'}>
                      <input
                        type="checkbox"
                        id={`lab-accept-${c.path}`}
                        aria-label={`Accept ${c.path}`}
                        checked={accepted.has(c.path)}
                        disabled={!acceptable(c) || !open || done !== null}
                        onChange={(e) =>
                          setAccepted((prev) => {
                            const next = new Set(prev);
                            if (e.target.checked) next.add(c.path);
                            else next.delete(c.path);
                            return next;
                          })
                        }
                      />
                      <button
                        type="button"
                        className="lab-file-name"
                        aria-current={c.path === selected}
                        onClick={() => setSelected(c.path)}
                      >
                        <span className={`lab-badge ${badge}`}>{badge}</span>
                        <span className="mono">
                          {c.kind === 'renamed' ? `${c.from} → ${c.path}` : c.path}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
              <div className="lab-network" data-testid="lab-network">
                <h3>Network</h3>
                {report.networkSummary.length === 0 ? (
                  <p className="lab-muted">No attempts.</p>
                ) : (
                  <ul>
                    {report.networkSummary.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                )}
              </div>
              {report.commands.length > 0 && (
                <details className="lab-commands">
                  <summary>Commands ({report.commands.length})</summary>
                  {report.commands.map((c, i) => (
                    <pre key={i} className="lab-command-output">
                      {`$ ${c.argv.join(' ')}\n${c.output}\n[exit ${c.exitCode ?? c.signal}]`}
                    </pre>
                  ))}
                </details>
              )}
            </div>
            {change ? <ChangeDetail change={change} /> : <div className="lab-detail" />}
          </div>
          {open && done === null && (
            <footer className="lab-review-actions">
              <button
                type="button"
                className="button button-primary"
                data-testid="lab-apply"
                disabled={busy || accepted.size === 0}
                onClick={() => void act('apply')}
              >
                {applyLabel(accepted.size)}
              </button>
              <button
                type="button"
                className="button button-danger-outline"
                data-testid="lab-discard"
                disabled={busy}
                onClick={() => void act('discard')}
              >
                Discard the lab
              </button>
            </footer>
          )}
        </>
      )}
    </section>
  );
}
