import {
  AlertTriangle,
  Ban,
  Check,
  CircleSlash,
  FlaskConical,
  ShieldAlert,
  ShieldQuestion,
} from 'lucide-react';
import { memo, useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type {
  NetworkScope,
  PermissionDecision,
  PermissionRequest,
} from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { cardState, type PermissionCardState, type RecordedOutcome } from '../../lib/permission-state.js';
import { revealInvisible } from '../../lib/reveal-invisible.js';
import { OUTCOME_LABELS, mcpToolParts, toolInSentence, toolLabel } from '../../lib/tool-wording.js';
import { McpRunsFact } from '../mcp/McpRunsFact.js';
import { usePermissions } from '../../stores/permissions.js';
import { useToolCalls } from '../../stores/tool-calls.js';
import { useUi } from '../../stores/ui.js';
import { answerPermission } from './actions.js';
import { offerFocus } from './focus-new-card.js';
import { NetworkFacts } from './NetworkFacts.js';
import { PermissionPreviewView } from './PermissionPreview.js';
import { useArmed } from './use-armed.js';

/** One permission request at the reply that asked: a full card while pending, then a one-line record. */
export const PermissionCard = memo(function PermissionCard({ requestId }: { requestId: string }) {
  const entry = usePermissions((s) => s.byId[requestId]);
  const toolStatus = useToolCalls((s) => (entry ? s.byId[entry.request.toolCallId]?.status : undefined));
  if (!entry) return null;
  const state = cardState(entry.outcome, toolStatus);
  if (entry.outcome === null) return <PendingCard request={entry.request} />;
  return <ResolvedLine request={entry.request} outcome={entry.outcome} state={state} />;
});

const RESOLVED_ICONS: Record<Exclude<PermissionCardState, 'pending'>, typeof Check> = {
  allowed: Check,
  denied: Ban,
  cancelled: CircleSlash,
};

function resolvedLabel(outcome: RecordedOutcome, state: PermissionCardState): string {
  if (outcome !== 'unknown') return OUTCOME_LABELS[outcome];
  if (state === 'allowed') return 'Allowed (answered elsewhere)';
  if (state === 'denied') return 'Denied (answered elsewhere)';
  return 'Cancelled';
}

function ResolvedLine(props: {
  request: PermissionRequest;
  outcome: RecordedOutcome;
  state: PermissionCardState;
}) {
  const { request, outcome, state } = props;
  const Icon = state === 'pending' ? ShieldQuestion : RESOLVED_ICONS[state];
  const label = resolvedLabel(outcome, state);
  return (
    <div
      className="permission-record"
      data-testid="permission-card"
      data-request-id={request.id}
      data-tool={request.tool}
      data-state={state}
      title={request.display}
    >
      <Icon size={13} aria-hidden />
      <span className="permission-record-outcome">{label}</span>
      <span className="permission-record-target mono">
        {toolLabel(request.tool)}: {request.display}
      </span>
    </div>
  );
}

/** After an answer, focus goes to the next waiting card, else back to the composer. */
function moveFocusOn(card: HTMLElement | null): void {
  const next = [
    ...document.querySelectorAll<HTMLElement>('[data-testid="permission-card"][data-state="pending"]'),
  ].find((el) => el !== card);
  if (next) next.focus();
  else useUi.getState().focusComposer();
}

function PendingCard({ request }: { request: PermissionRequest }) {
  const cardRef = useRef<HTMLElement>(null);
  const patternRef = useRef<HTMLInputElement>(null);
  const alwaysButtonRef = useRef<HTMLButtonElement>(null);
  const [alwaysOpen, setAlwaysOpen] = useState(false);
  const [pattern, setPattern] = useState(request.proposedPattern ?? '');
  // A call no rule or grant can cover (a chain, a substitution…) is offered once or not at all.
  const coverable = request.proposedPattern !== null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Which hosts a call that wants network may reach: the ones it names, unless the owner widens it.
  const [scope, setScope] = useState<NetworkScope>(request.hosts.length > 0 ? 'hosts' : 'any-public');
  const connection = request.tool === 'network';
  const titleId = useId();
  const keysId = useId();
  // Nothing allows a card nobody had the time to read: not Enter, not a click.
  const armed = useArmed(cardRef);

  useEffect(() => {
    const card = cardRef.current;
    return card ? offerFocus(request.id, card) : undefined;
  }, [request.id]);

  useEffect(() => {
    if (alwaysOpen) patternRef.current?.focus();
  }, [alwaysOpen]);

  async function answer(decision: PermissionDecision, withPattern?: string): Promise<void> {
    if (busy || (decision !== 'deny' && !armed)) return;
    setBusy(true);
    setError(null);
    const card = cardRef.current;
    const hadFocus = !!card && card.contains(document.activeElement);
    try {
      await answerPermission(
        request.id,
        decision,
        withPattern,
        request.network && !connection ? scope : undefined,
      );
      if (hadFocus) moveFocusOn(card);
    } catch (err) {
      setError(`The answer did not reach Cell 0: ${errorMessage(err)}`);
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLElement>): void {
    const target = e.target;
    const inPattern = target === patternRef.current;
    if (e.key === 'Escape') {
      // Handled here, so the window's Esc (stop the reply) does not also fire.
      e.preventDefault();
      e.stopPropagation();
      if (inPattern) {
        setAlwaysOpen(false);
        alwaysButtonRef.current?.focus();
      } else {
        void answer('deny');
      }
      return;
    }
    if (e.key !== 'Enter' || e.repeat || e.nativeEvent.isComposing) return;
    // Buttons answer Enter themselves; the wider scopes, the pattern included, need a click.
    if (target instanceof HTMLButtonElement) return;
    e.preventDefault();
    if (!inPattern && armed) void answer('allow-once');
  }

  const reason = request.reason === null ? null : revealInvisible(request.reason);
  return (
    <section
      ref={cardRef}
      className={request.unsandboxed ? 'permission-card unsandboxed' : 'permission-card'}
      data-testid="permission-card"
      data-request-id={request.id}
      data-tool={request.tool}
      data-state="pending"
      data-armed={armed ? 'true' : 'false'}
      tabIndex={0}
      aria-labelledby={titleId}
      aria-describedby={keysId}
      aria-busy={busy}
      onKeyDown={onKeyDown}
    >
      <header className="permission-head">
        <ShieldQuestion size={16} aria-hidden className="permission-head-icon" />
        <h3 id={titleId}>
          {connection ? 'Allow this connection?' : `Allow ${toolInSentence(request.tool)}?`}
        </h3>
        <span className="permission-keys" id={keysId}>
          <kbd>Enter</kbd> allow once · <kbd>Esc</kbd> deny
        </span>
      </header>
      {request.unsandboxed && (
        <p className="permission-unsandboxed" data-testid="permission-unsandboxed-warning" role="alert">
          <ShieldAlert size={15} aria-hidden />
          The sandbox is not available here: allowing runs this one call WITHOUT confinement.
        </p>
      )}
      {request.lab && (
        <p className="permission-lab" data-testid="permission-in-lab">
          <FlaskConical size={15} aria-hidden />
          In a lab: this runs against a copy-on-write view of the workspace. Nothing reaches your files until
          you review and apply its changes; network attempts are recorded, not made.
        </p>
      )}
      {connection && <p className="permission-connection-lead">A running tool call wants to reach</p>}
      <pre
        className="permission-display"
        data-testid="permission-display"
        aria-label={connection ? 'Host and port it wants to reach' : 'Exact command or target'}
      >
        {request.display}
      </pre>
      {request.preview && <PermissionPreviewView preview={request.preview} />}
      <dl className="permission-facts">
        {request.machine && (
          <div>
            <dt>Machine</dt>
            <dd data-testid="permission-machine">
              {request.machine} (its kernel runs the call; its rules still apply)
            </dd>
          </div>
        )}
        {connection ? (
          <div>
            <dt>Through</dt>
            <dd>the kernel’s proxy, for the rest of this call only if you allow it once</dd>
          </div>
        ) : request.workspace === null && mcpToolParts(request.tool) ? (
          <McpRunsFact server={mcpToolParts(request.tool)!.server} />
        ) : request.workspace === null ? (
          <div>
            <dt>Runs in</dt>
            <dd data-testid="permission-hosted">Cell 0 itself, not the sandbox</dd>
          </div>
        ) : (
          <>
            <div>
              <dt>Workspace</dt>
              <dd className="mono">{request.workspace}</dd>
            </div>
            {!request.network && (
              <div>
                <dt>Network</dt>
                <dd>No</dd>
              </div>
            )}
          </>
        )}
      </dl>
      {request.network && !connection && (
        <NetworkFacts hosts={request.hosts} scope={scope} onScope={setScope} disabled={busy} />
      )}
      {request.risks.length > 0 && (
        <ul className="permission-risks" aria-label="Look carefully at">
          {request.risks.map((risk) => (
            <li key={risk} className="permission-risk" data-testid="permission-risk">
              <AlertTriangle size={12} aria-hidden />
              {risk}
            </li>
          ))}
        </ul>
      )}
      {reason !== null && (
        <div className="permission-reason" data-testid="permission-reason">
          <span className="permission-reason-label">The agent says (not verified):</span>
          <p>{reason}</p>
        </div>
      )}
      <p className="permission-why">
        <span className="permission-why-label">Why you are asked: </span>
        {request.why}
      </p>
      <div className="permission-actions">
        <button
          type="button"
          className="button button-primary"
          data-testid="permission-allow-once"
          disabled={busy || !armed}
          onClick={() => void answer('allow-once')}
        >
          Allow once
        </button>
        {request.labOffered && (
          <button
            type="button"
            className="button"
            data-testid="permission-try-in-lab"
            title="Run it in a copy-on-write lab: you see every change it would make, then apply or discard"
            disabled={busy || !armed}
            onClick={() => void answer('try-in-lab')}
          >
            <FlaskConical size={14} aria-hidden /> Try in lab first
          </button>
        )}
        {coverable && (
          <>
            <button
              type="button"
              className="button"
              data-testid="permission-allow-reply"
              disabled={busy || !armed}
              onClick={() => void answer('allow-reply')}
            >
              Allow for this reply
            </button>
            {/* Wider grants for another machine are made on that machine. */}
            {!request.machine && (
              <>
                <button
                  type="button"
                  className="button"
                  data-testid="permission-allow-conversation"
                  disabled={busy || !armed}
                  onClick={() => void answer('allow-conversation')}
                >
                  Allow in this conversation
                </button>
                <button
                  ref={alwaysButtonRef}
                  type="button"
                  className="button"
                  data-testid="permission-allow-always"
                  aria-expanded={alwaysOpen}
                  disabled={busy}
                  onClick={() => setAlwaysOpen((open) => !open)}
                >
                  Always allow…
                </button>
              </>
            )}
          </>
        )}
        <button
          type="button"
          className="button button-danger-outline"
          data-testid="permission-deny"
          disabled={busy}
          onClick={() => void answer('deny')}
        >
          Deny
        </button>
      </div>
      {!coverable && (
        <p className="permission-once-only" data-testid="permission-once-only">
          No rule can cover this call: it needs your look every time, so it can only be allowed once.
        </p>
      )}
      {alwaysOpen && coverable && (
        <AlwaysAllowEditor
          inputRef={patternRef}
          tool={request.tool}
          hostPattern={connection}
          pattern={pattern}
          disabled={busy || !armed}
          onChange={setPattern}
          onConfirm={() => void answer('allow-always', pattern.trim())}
        />
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

interface EditorProps {
  inputRef: RefObject<HTMLInputElement | null>;
  tool: PermissionRequest['tool'];
  /** The rule holds a host pattern (a connection), not a command pattern. */
  hostPattern: boolean;
  pattern: string;
  /** Answering, or the card is not armed yet. */
  disabled: boolean;
  onChange(pattern: string): void;
  onConfirm(): void;
}

function AlwaysAllowEditor({
  inputRef,
  tool,
  hostPattern,
  pattern,
  disabled,
  onChange,
  onConfirm,
}: EditorProps) {
  const inputId = useId();
  const helpId = useId();
  return (
    <div className="permission-always">
      <label htmlFor={inputId}>
        {hostPattern ? 'Always allow connections to' : `Always allow ${toolInSentence(tool)} calls matching`}
      </label>
      <input
        ref={inputRef}
        id={inputId}
        type="text"
        className="mono"
        data-testid="permission-pattern"
        value={pattern}
        spellCheck={false}
        autoComplete="off"
        aria-describedby={helpId}
        onChange={(e) => onChange(e.target.value)}
      />
      <p className="field-help" id={helpId}>
        {hostPattern ? (
          <>
            <code>host:port</code>, or <code>*.example.com:443</code> for its subdomains. Only an exact
            host:port may reach this machine or a private network.
          </>
        ) : (
          <>
            <code>*</code> stands for any run of characters.
          </>
        )}{' '}
        The rule is signed and kept outside every workspace; revoke it in Settings → Permissions.
      </p>
      <button
        type="button"
        className="button button-primary"
        data-testid="permission-allow-always-confirm"
        disabled={disabled || pattern.trim() === ''}
        onClick={onConfirm}
      >
        Save rule and allow
      </button>
    </div>
  );
}
