import { CheckCircle2, Loader2, ShieldOff, XCircle } from 'lucide-react';
import { useId, useState } from 'react';
import type { McpTestResult } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { plural } from '../../lib/plural.js';
import { useMcp } from '../../stores/mcp.js';
import { EMPTY, inputFrom, type Fields, type Mode } from './mcp-form-model.js';

/** Add a server by command or URL (tested first if you like), or paste another app's `mcpServers`. */
export function McpAddForm() {
  const [mode, setMode] = useState<Mode>('command');
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [json, setJson] = useState('');
  const [busy, setBusy] = useState<'test' | 'add' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<McpTestResult | null>(null);
  const [skipped, setSkipped] = useState<{ name: string; reason: string }[]>([]);
  const id = useId();
  const set = (patch: Partial<Fields>) => {
    setFields((f) => ({ ...f, ...patch }));
    setTest(null);
  };

  async function act(kind: 'test' | 'add'): Promise<void> {
    setError(null);
    setSkipped([]);
    setBusy(kind);
    try {
      if (mode === 'json') {
        const result = await client().call('mcp.import', { json });
        for (const server of result.servers) useMcp.getState().upsert(server);
        setSkipped(result.skipped);
        if (result.skipped.length === 0) setJson('');
        return;
      }
      const input = inputFrom(mode, fields);
      if (typeof input === 'string') return setError(input);
      if (kind === 'test') {
        setTest(null);
        setTest(await client().call('mcp.test', { name: input.name, transport: input.transport }));
      } else {
        const { server } = await client().call('mcp.add', input);
        useMcp.getState().upsert(server);
        setFields(EMPTY);
        setTest(null);
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <form
      className="settings-form mcp-add"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void act('add');
      }}
    >
      <h3 id={`${id}-title`}>Add a server</h3>
      <fieldset className="mcp-modes">
        <legend className="sr-only">How to add it</legend>
        {(
          [
            ['command', 'Command'],
            ['url', 'URL (Streamable HTTP)'],
            ['json', 'Paste mcpServers JSON'],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name={`${id}-mode`}
              value={value}
              data-testid={`mcp-mode-${value}`}
              checked={mode === value}
              onChange={() => {
                setMode(value);
                setError(null);
                setTest(null);
              }}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {mode !== 'json' && (
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            data-testid="mcp-name"
            placeholder="fs"
            value={fields.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        </div>
      )}
      {mode === 'command' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-cmd`}>Command line</label>
            <input
              id={`${id}-cmd`}
              data-testid="mcp-command"
              className="mono"
              placeholder="npx -y @modelcontextprotocol/server-filesystem ${workspace}"
              value={fields.commandLine}
              onChange={(e) => set({ commandLine: e.target.value })}
            />
            <p className="field-help">
              Not run by a shell. <code>${'{workspace}'}</code> stands for the conversation’s workspace.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-env`}>Environment variables (NAME=value, one per line)</label>
            <textarea
              id={`${id}-env`}
              data-testid="mcp-env"
              className="mono"
              rows={2}
              value={fields.env}
              onChange={(e) => set({ env: e.target.value })}
            />
            <p className="field-help">
              Kept in the system keychain. The server gets no other variables of yours.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-paths`}>Paths it may see (one per line; add :rw to let it write)</label>
            <textarea
              id={`${id}-paths`}
              data-testid="mcp-paths"
              className="mono"
              rows={2}
              disabled={fields.unconfined}
              value={fields.paths}
              onChange={(e) => set({ paths: e.target.value })}
            />
          </div>
          <label className="mcp-check">
            <input
              type="checkbox"
              data-testid="mcp-network"
              checked={fields.network}
              disabled={fields.unconfined}
              onChange={(e) => set({ network: e.target.checked })}
            />{' '}
            Grant it network (only through Cell 0’s proxy: public hosts, every connection audited)
          </label>
          <label className="mcp-check">
            <input
              type="checkbox"
              data-testid="mcp-unconfined"
              checked={fields.unconfined}
              onChange={(e) => set({ unconfined: e.target.checked })}
            />{' '}
            Run it unconfined
          </label>
          {fields.unconfined && (
            <p className="mcp-warning" role="note">
              <ShieldOff size={13} aria-hidden /> Unconfined, it runs with your full rights: every file you
              can read, your network, your other programs. Every call is still shown to you first.
            </p>
          )}
        </>
      )}
      {mode === 'url' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-url`}>URL</label>
            <input
              id={`${id}-url`}
              data-testid="mcp-url"
              placeholder="https://example.com/mcp"
              value={fields.url}
              onChange={(e) => set({ url: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-headers`}>Headers (optional; Name: value, one per line)</label>
            <textarea
              id={`${id}-headers`}
              data-testid="mcp-headers"
              className="mono"
              rows={2}
              value={fields.headers}
              onChange={(e) => set({ headers: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-token`}>Bearer token (optional)</label>
            <input
              id={`${id}-token`}
              data-testid="mcp-token"
              type="password"
              autoComplete="off"
              value={fields.token}
              onChange={(e) => set({ token: e.target.value })}
            />
            <p className="field-help">
              Headers and token are kept in the system keychain. OAuth sign-in is not supported yet.
            </p>
          </div>
        </>
      )}
      {mode === 'json' && (
        <div className="field">
          <label htmlFor={`${id}-json`}>The mcpServers block (from Claude Desktop, Cursor, VS Code…)</label>
          <textarea
            id={`${id}-json`}
            data-testid="mcp-json"
            className="mono"
            rows={6}
            placeholder={'{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "…"]}}}'}
            value={json}
            onChange={(e) => setJson(e.target.value)}
          />
          <p className="field-help">
            Each server comes in sandboxed, with no paths and no network: grant what it needs afterwards.
          </p>
        </div>
      )}
      <div className="mcp-buttons">
        {mode !== 'json' && (
          <button
            type="button"
            className="button button-ghost"
            data-testid="mcp-test"
            disabled={busy !== null}
            onClick={() => void act('test')}
          >
            {busy === 'test' && <Loader2 size={13} className="spin" aria-hidden />}
            Test connection
          </button>
        )}
        <button type="submit" className="button" data-testid="mcp-add" disabled={busy !== null}>
          {busy === 'add' && <Loader2 size={13} className="spin" aria-hidden />}
          {mode === 'json' ? 'Add these servers' : 'Add server'}
        </button>
      </div>
      {test && <TestResult result={test} />}
      {skipped.length > 0 && (
        <ul className="inline-error" role="alert" data-testid="mcp-import-skipped">
          {skipped.map((s) => (
            <li key={s.name}>
              {s.name}: {s.reason}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="inline-error" role="alert" data-testid="mcp-add-error">
          {error}
        </p>
      )}
    </form>
  );
}

function TestResult({ result }: { result: McpTestResult }) {
  return (
    <div
      className={`test-result ${result.ok ? 'ok' : 'failed'}`}
      data-testid="mcp-test-result"
      data-ok={result.ok}
      role="status"
    >
      {result.ok ? (
        <p>
          <CheckCircle2 size={15} aria-hidden /> Started in {result.durationMs} ms
          {result.serverInfo ? ` (${result.serverInfo.name} ${result.serverInfo.version})` : ''}:{' '}
          {plural(result.tools.length, 'tool')}
          {result.tools.length > 0 ? `: ${result.tools.map((t) => t.name).join(', ')}` : ''}.
        </p>
      ) : (
        <p>
          <XCircle size={15} aria-hidden /> {result.error?.message ?? 'It did not start.'}
        </p>
      )}
      {!result.ok && result.stderrTail && <pre className="mcp-stderr-text">{result.stderrTail}</pre>}
    </div>
  );
}
