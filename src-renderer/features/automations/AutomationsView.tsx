import { Pause, Play, RotateCw, Trash2, Webhook, Clock3, Pencil, History } from 'lucide-react';
import { useCallback, useEffect, useId, useState } from 'react';
import type {
  AutomationRun,
  Device,
  JobTrigger,
  MethodResult,
} from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { navigateTo } from '../chat/navigate.js';
import { useUi } from '../../stores/ui.js';

type Listing = MethodResult<'automations.list'>;
type HookRow = Listing['hooks'][number];
type JobRow = Listing['jobs'][number];

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const at = (ms: number | null) => (ms === null ? '—' : when.format(ms));

const RUN_WORDS: Record<AutomationRun['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  waiting: 'Waits for permission',
  complete: 'Done',
  error: 'Failed',
  stopped: 'Stopped',
  skipped: 'Skipped',
};

function lastResult(run: AutomationRun | null): string {
  if (!run) return 'Never ran';
  return `${RUN_WORDS[run.status]} · ${at(run.endedAt ?? run.startedAt ?? run.queuedAt)}`;
}

export function describeTrigger(trigger: JobTrigger): string {
  if (trigger.kind === 'cron') return `cron ${trigger.expr}${trigger.tz ? ` (${trigger.tz})` : ''}`;
  if (trigger.kind === 'every') return `every ${trigger.minutes} min`;
  return `once, ${at(trigger.at)}`;
}

/** Hooks, jobs, paired devices and where the gateway listens: each row with its last run and controls. */
export function AutomationsView() {
  const id = useId();
  const [listing, setListing] = useState<Listing | null>(null);
  const [devices, setDevices] = useState<Device[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    let live = true;
    Promise.all([client().call('automations.list', {}), client().call('devices.list', {})]).then(
      ([list, devs]) => {
        if (!live) return;
        setListing(list);
        setDevices(devs.devices);
        setError(null);
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const cancel = reload();
    const offs = [
      client().on('automations.changed', () => void reload()),
      client().on('automation.run', ({ run }) => {
        setListing((l) => l && patchLastRun(l, run));
        if (run.status === 'error')
          useUi.getState().setNotice(`“${run.name}” failed: ${run.error?.message ?? ''}`);
        if (run.status === 'waiting')
          useUi.getState().setNotice(`“${run.name}” waits for your permission in its conversation.`);
      }),
      client().on('devices.changed', ({ devices: d }) => setDevices(d)),
    ];
    return () => {
      cancel();
      offs.forEach((off) => off());
    };
  }, [reload]);

  return (
    <section className="automations-view" data-testid="automations-view" aria-labelledby={`${id}-title`}>
      <header className="view-header">
        <h1 id={`${id}-title`} className="view-title">
          Automations
        </h1>
      </header>
      <div className="automations-body">
        {error && (
          <p className="row-error" role="alert">
            {error}{' '}
            <button type="button" className="button" onClick={() => void reload()}>
              Retry
            </button>
          </p>
        )}
        <HooksSection listing={listing} />
        <JobsSection listing={listing} />
        <DevicesSection devices={devices} />
      </div>
    </section>
  );
}

function patchLastRun(listing: Listing, run: AutomationRun): Listing {
  const patch = <T extends { id: string; lastRun: AutomationRun | null }>(rows: T[]) =>
    rows.map((r) => (r.id === run.automationId ? { ...r, lastRun: run } : r));
  return { ...listing, hooks: patch(listing.hooks), jobs: patch(listing.jobs) };
}

async function act(work: () => Promise<unknown>, setError: (e: string | null) => void): Promise<void> {
  try {
    await work();
    setError(null);
  } catch (err) {
    setError(errorMessage(err));
  }
}

function RunHistory({ automationId }: { automationId: string }) {
  const [runs, setRuns] = useState<AutomationRun[] | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      void client()
        .call('automations.runs', { automationId, limit: 20 })
        .then((r) => live && setRuns(r.runs));
    load();
    const off = client().on('automation.run', ({ run }) => {
      if (run.automationId === automationId) load();
    });
    return () => {
      live = false;
      off();
    };
  }, [automationId]);
  if (!runs) return <p className="muted">Loading runs…</p>;
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <ul className="automation-runs" data-testid="automation-runs">
      {runs.map((run) => (
        <li key={run.id}>
          <button
            type="button"
            className="automation-run"
            data-testid="automation-run"
            data-status={run.status}
            disabled={!run.conversationId}
            aria-label={`${RUN_WORDS[run.status]} run of ${at(run.queuedAt)}: open its conversation`}
            onClick={() =>
              run.conversationId &&
              void navigateTo({
                conversationId: run.conversationId,
                messageId: run.messageId,
                permissionRequestId: null,
              })
            }
          >
            <span className={`run-dot run-${run.status}`} aria-hidden />
            <span>{RUN_WORDS[run.status]}</span>
            <span className="muted">{run.trigger}</span>
            <span className="muted">{at(run.queuedAt)}</span>
            {run.error && <span className="run-error">{run.error.message}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

function HooksSection({ listing }: { listing: Listing | null }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [prompt, setPrompt] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string | null; url: string | null } | null>(
    null,
  );
  const add = () =>
    act(async () => {
      const r = await client().call('hooks.add', { name: name.trim(), prompt });
      setCreated({ name: r.hook.name, secret: r.secret, url: r.url });
      setName('');
      setPrompt('');
    }, setError);
  return (
    <section className="automation-section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="section-title">
        <Webhook size={15} aria-hidden /> Webhooks
      </h2>
      {listing && listing.hooks.length === 0 && (
        <p className="muted">
          No hooks yet. A hook runs a prompt when another service POSTs to it, signed with its secret (GitHub,
          Stripe and any Standard Webhooks sender). Add one below or with <code>cell0 hooks add</code>.
        </p>
      )}
      <ul className="automation-list">
        {listing?.hooks.map((h) => (
          <HookItem key={h.id} hook={h} base={listing.hookBase} />
        ))}
      </ul>
      <form
        className="automation-form"
        aria-label="Add a webhook"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="github-prs"
            data-testid="hook-name"
          />
        </label>
        <label className="grow">
          Prompt (fields like {'{{ $.pull_request.title }}'})
          <input value={prompt} onChange={(e) => setPrompt(e.target.value)} data-testid="hook-prompt" />
        </label>
        <button
          type="submit"
          className="button"
          disabled={!name.trim() || !prompt.trim()}
          data-testid="hook-add"
        >
          Add hook
        </button>
      </form>
      {created && (
        <div className="automation-secret" role="status" data-testid="hook-created">
          <strong>{created.name}</strong> listens at <code>{created.url ?? `/hooks/${created.name}`}</code>.
          {created.secret && (
            <>
              {' '}
              Its secret, shown only now: <code data-testid="hook-secret">{created.secret}</code>
            </>
          )}
        </div>
      )}
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function HookItem({ hook, base }: { hook: HookRow; base: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState(false);
  const [prompt, setPrompt] = useState(hook.prompt);
  const [tools, setTools] = useState(hook.tools);
  return (
    <li className="automation-row" data-testid="hook-row" data-name={hook.name}>
      <div className="automation-main">
        <span className="automation-name">{hook.name}</span>
        <span className="muted automation-trigger">
          POST {base ? `${base}/${hook.name}` : `/hooks/${hook.name}`}
        </span>
        <span className="automation-status" data-testid="automation-status">
          {hook.paused ? 'Paused' : 'Active'} · {lastResult(hook.lastRun)}
        </span>
      </div>
      <RowActions
        name={hook.name}
        paused={hook.paused}
        onPause={() =>
          act(() => client().call('hooks.update', { id: hook.id, paused: !hook.paused }), setError)
        }
        onEdit={() => setEditing((v) => !v)}
        onHistory={() => setHistory((v) => !v)}
        onDelete={() => act(() => client().call('hooks.remove', { id: hook.id }), setError)}
      />
      {editing && (
        <form
          className="automation-form"
          aria-label={`Edit ${hook.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              await client().call('hooks.update', { id: hook.id, prompt, tools });
              setEditing(false);
            }, setError);
          }}
        >
          <label className="grow">
            Prompt
            <input value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          </label>
          <label>
            Tools
            <select
              className="select"
              value={tools}
              onChange={(e) => setTools(e.target.value as typeof tools)}
            >
              <option value="ask">Ask me for each call</option>
              <option value="off">None</option>
            </select>
          </label>
          <button type="submit" className="button">
            Save
          </button>
        </form>
      )}
      {history && <RunHistory automationId={hook.id} />}
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function RowActions(props: {
  name: string;
  paused: boolean;
  onPause: () => void;
  onEdit: () => void;
  onHistory: () => void;
  onDelete: () => void;
  onRun?: () => void;
}) {
  return (
    <div className="automation-actions">
      {props.onRun && (
        <button
          type="button"
          className="icon-button"
          aria-label={`Run ${props.name} now`}
          title="Run now"
          onClick={props.onRun}
        >
          <RotateCw size={14} aria-hidden />
        </button>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label={`${props.paused ? 'Resume' : 'Pause'} ${props.name}`}
        title={props.paused ? 'Resume' : 'Pause'}
        onClick={props.onPause}
      >
        {props.paused ? <Play size={14} aria-hidden /> : <Pause size={14} aria-hidden />}
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Edit ${props.name}`}
        title="Edit"
        onClick={props.onEdit}
      >
        <Pencil size={14} aria-hidden />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Run history of ${props.name}`}
        title="Run history"
        onClick={props.onHistory}
      >
        <History size={14} aria-hidden />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Delete ${props.name}`}
        title="Delete"
        onClick={props.onDelete}
      >
        <Trash2 size={14} aria-hidden />
      </button>
    </div>
  );
}

type TriggerKind = JobTrigger['kind'];

function triggerFrom(kind: TriggerKind, value: string, tz: string): JobTrigger | null {
  if (kind === 'every') {
    const minutes = Number(value);
    return Number.isInteger(minutes) && minutes > 0 ? { kind, minutes } : null;
  }
  if (kind === 'once') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : { kind, at: ms };
  }
  return value.trim() ? { kind, expr: value.trim(), tz: tz.trim() || null } : null;
}

function JobsSection({ listing }: { listing: Listing | null }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [prompt, setPrompt] = useState('');
  const [kind, setKind] = useState<TriggerKind>('cron');
  const [value, setValue] = useState('0 9 * * 1-5');
  const [tz, setTz] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone ?? '');
  const [missed, setMissed] = useState<'skip' | 'run-once'>('skip');
  const [preview, setPreview] = useState<{ runs: number[]; error: string | null }>({ runs: [], error: null });
  const trigger = triggerFrom(kind, value, tz);
  const key = JSON.stringify(trigger);

  useEffect(() => {
    if (!trigger) return;
    let live = true;
    const timer = setTimeout(() => {
      client()
        .call('jobs.preview', { trigger })
        .then(
          (r) => live && setPreview({ runs: r.nextRuns, error: null }),
          (err: unknown) => live && setPreview({ runs: [], error: errorMessage(err) }),
        );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // The trigger is compared by its JSON: a new object with the same fields is the same trigger.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const add = () =>
    act(async () => {
      if (!trigger) throw new Error('The schedule is not complete.');
      await client().call('jobs.add', { name: name.trim(), prompt, trigger, missed });
      setName('');
      setPrompt('');
    }, setError);

  return (
    <section className="automation-section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="section-title">
        <Clock3 size={15} aria-hidden /> Scheduled jobs
      </h2>
      {listing && listing.jobs.length === 0 && (
        <p className="muted">
          No jobs yet. A job runs a prompt on a schedule, each run in its own conversation.
        </p>
      )}
      <ul className="automation-list">
        {listing?.jobs.map((j) => (
          <JobItem key={j.id} job={j} />
        ))}
      </ul>
      <form
        className="automation-form"
        aria-label="Add a scheduled job"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="standup"
            data-testid="job-name"
          />
        </label>
        <label className="grow">
          Prompt
          <input value={prompt} onChange={(e) => setPrompt(e.target.value)} data-testid="job-prompt" />
        </label>
        <label>
          Schedule
          <select
            className="select"
            value={kind}
            onChange={(e) => setKind(e.target.value as TriggerKind)}
            data-testid="job-kind"
          >
            <option value="cron">Cron expression</option>
            <option value="every">Every N minutes</option>
            <option value="once">Once, at a time</option>
          </select>
        </label>
        <label>
          {kind === 'cron' ? 'Expression' : kind === 'every' ? 'Minutes' : 'Date and time'}
          <input
            value={value}
            type={kind === 'once' ? 'datetime-local' : 'text'}
            onChange={(e) => setValue(e.target.value)}
            data-testid="job-schedule"
          />
        </label>
        {kind === 'cron' && (
          <label>
            Time zone
            <input value={tz} onChange={(e) => setTz(e.target.value)} data-testid="job-tz" />
          </label>
        )}
        <label>
          After sleep or shutdown
          <select
            className="select"
            value={missed}
            onChange={(e) => setMissed(e.target.value as typeof missed)}
          >
            <option value="skip">Skip missed runs</option>
            <option value="run-once">Run once to catch up</option>
          </select>
        </label>
        <button
          type="submit"
          className="button"
          disabled={!name.trim() || !prompt.trim() || !trigger}
          data-testid="job-add"
        >
          Add job
        </button>
      </form>
      <div className="automation-preview" aria-live="polite" data-testid="job-preview">
        {!trigger ? null : preview.error ? (
          <p className="row-error">{preview.error}</p>
        ) : preview.runs.length > 0 ? (
          <>
            <span className="muted">Next runs:</span>
            <ol>
              {preview.runs.map((t) => (
                <li key={t}>{at(t)}</li>
              ))}
            </ol>
          </>
        ) : null}
      </div>
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function JobItem({ job }: { job: JobRow }) {
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState(false);
  const [prompt, setPrompt] = useState(job.prompt);
  const [missed, setMissed] = useState(job.missed);
  return (
    <li className="automation-row" data-testid="job-row" data-name={job.name}>
      <div className="automation-main">
        <span className="automation-name">{job.name}</span>
        <span className="muted automation-trigger">
          {describeTrigger(job.trigger)} · next {at(job.nextRunAt)}
        </span>
        <span className="automation-status" data-testid="automation-status">
          {job.paused ? 'Paused' : 'Active'} · {lastResult(job.lastRun)}
        </span>
      </div>
      <RowActions
        name={job.name}
        paused={job.paused}
        onRun={() => act(() => client().call('jobs.run', { id: job.id }), setError)}
        onPause={() => act(() => client().call('jobs.update', { id: job.id, paused: !job.paused }), setError)}
        onEdit={() => setEditing((v) => !v)}
        onHistory={() => setHistory((v) => !v)}
        onDelete={() => act(() => client().call('jobs.remove', { id: job.id }), setError)}
      />
      {editing && (
        <form
          className="automation-form"
          aria-label={`Edit ${job.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              await client().call('jobs.update', { id: job.id, prompt, missed });
              setEditing(false);
            }, setError);
          }}
        >
          <label className="grow">
            Prompt
            <input value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          </label>
          <label>
            After sleep or shutdown
            <select
              className="select"
              value={missed}
              onChange={(e) => setMissed(e.target.value as typeof missed)}
            >
              <option value="skip">Skip missed runs</option>
              <option value="run-once">Run once to catch up</option>
            </select>
          </label>
          <button type="submit" className="button">
            Save
          </button>
        </form>
      )}
      {history && <RunHistory automationId={job.id} />}
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function DevicesSection({ devices }: { devices: Device[] }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const pending = devices.filter((d) => d.state === 'pending');
  const paired = devices.filter((d) => d.state === 'paired');
  return (
    <section className="automation-section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="section-title">
        Paired devices
      </h2>
      {pending.length === 0 && paired.length === 0 && (
        <p className="muted">
          Other programs connect to Cell 0 as paired devices. Run <code>cell0 pair</code> there and approve
          its code here.
        </p>
      )}
      <ul className="automation-list">
        {pending.map((d) => (
          <li key={d.id} className="automation-row pending" data-testid="device-pending">
            <div className="automation-main">
              <span className="automation-name">{d.name}</span>
              <span className="muted">
                wants {d.scope} access · code <strong>{d.code}</strong> · key {d.fingerprint}
              </span>
            </div>
            <div className="automation-actions">
              <button
                type="button"
                className="button"
                data-testid="device-approve"
                aria-label={`Approve ${d.name} (code ${d.code})`}
                onClick={() => void act(() => client().call('devices.approve', { code: d.code! }), setError)}
              >
                Approve
              </button>
              <button
                type="button"
                className="button"
                aria-label={`Reject ${d.name}`}
                onClick={() => void act(() => client().call('devices.revoke', { id: d.id }), setError)}
              >
                Reject
              </button>
            </div>
          </li>
        ))}
        {paired.map((d) => (
          <li key={d.id} className="automation-row" data-testid="device-row" data-name={d.name}>
            <div className="automation-main">
              <span className="automation-name">{d.name}</span>
              <span className="muted">
                {d.scope} · last seen {at(d.lastSeen)} · key {d.fingerprint}
              </span>
            </div>
            <div className="automation-actions">
              <button
                type="button"
                className="button"
                data-testid="device-revoke"
                aria-label={`Revoke ${d.name}`}
                onClick={() => void act(() => client().call('devices.revoke', { id: d.id }), setError)}
              >
                Revoke
              </button>
            </div>
          </li>
        ))}
      </ul>
      {error && (
        <p className="row-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
