import {
  AlertTriangle,
  Ban,
  Box,
  Check,
  ChevronDown,
  CircleSlash,
  Copy,
  Gauge,
  Globe,
  Loader2,
  ShieldCheck,
  ShieldOff,
  ShieldQuestion,
  WifiOff,
  X,
  type LucideIcon,
} from 'lucide-react';
import { memo, useState } from 'react';
import type { ToolCall, ToolCallStatus } from '../../../src-main/core/protocol/index.js';
import { stripAnsi } from '../../lib/ansi.js';
import { terminalText } from '../../lib/tool-call-state.js';
import {
  STATUS_LABELS,
  toolLabel,
  describeLimit,
  mcpToolParts,
  toolDuration,
} from '../../lib/tool-wording.js';
import { McpRunsBadge } from '../mcp/McpRunsFact.js';
import { ToolProgress } from './ToolProgress.js';
import { useToolCalls } from '../../stores/tool-calls.js';
import { PlainOutput } from './PlainOutput.js';
import { lazyView } from '../../app/lazy-view.js';
import { OTHER_TOOL_ICON, TOOL_ICONS } from './tool-icons.js';

// xterm loads with the first shell call shown, not with the window.
const ShellTerminal = lazyView(async () => (await import('./ShellTerminal.js')).ShellTerminal);

const STATUS_ICONS: Record<ToolCallStatus, LucideIcon> = {
  'waiting-permission': ShieldQuestion,
  running: Loader2,
  done: Check,
  failed: X,
  denied: Ban,
  limit: Gauge,
  cancelled: CircleSlash,
};

/** Statuses in which the call actually ran, so whether it was confined is a fact worth showing. */
const RAN: ReadonlySet<ToolCallStatus> = new Set(['running', 'done', 'failed', 'limit']);

/** One tool call of a reply: what ran, how it went, under which confinement, and its output. */
export const ToolCard = memo(function ToolCard({ toolCallId }: { toolCallId: string }) {
  const call = useToolCalls((s) => s.byId[toolCallId]);
  const streamed = useToolCalls((s) => s.streamed[toolCallId]);
  const [open, setOpen] = useState(true);
  if (!call) return null;

  const Icon = TOOL_ICONS[call.tool] ?? OTHER_TOOL_ICON;
  const StatusIcon = STATUS_ICONS[call.status];
  const shell = call.tool === 'shell';
  const text = shell ? terminalText(call, streamed) : call.output;
  const hasOutput = text !== '';
  const limit = call.limit ? describeLimit(call.limit) : null;
  const took = toolDuration(call);
  const mcp = mcpToolParts(call.tool);

  return (
    <div
      className="tool-card"
      data-testid="tool-card"
      data-tool={call.tool}
      data-status={call.status}
      data-tool-call-id={call.id}
      role="group"
      aria-label={`${toolLabel(call.tool)}: ${STATUS_LABELS[call.status]}`}
      aria-busy={call.status === 'running'}
    >
      <div className="tool-card-head">
        <Icon size={14} aria-hidden className="tool-card-icon" />
        <span className="tool-card-name">{toolLabel(call.tool)}</span>
        <code className="tool-summary" data-testid="tool-summary">
          {call.summary}
        </code>
        <span className="tool-status" data-status={call.status}>
          <StatusIcon size={12} aria-hidden className={call.status === 'running' ? 'spin' : undefined} />
          {STATUS_LABELS[call.status]}
        </span>
        {hasOutput && (
          <button
            type="button"
            className="icon-button tool-card-toggle"
            aria-expanded={open}
            aria-label={open ? 'Hide output' : 'Show output'}
            title={open ? 'Hide output' : 'Show output'}
            onClick={() => setOpen((v) => !v)}
          >
            <ChevronDown size={14} aria-hidden />
          </button>
        )}
      </div>
      <div className="tool-card-facts">
        {RAN.has(call.status) &&
          (mcp ? (
            <McpRunsBadge server={mcp.server} />
          ) : call.hosted ? (
            <span
              className="badge"
              data-testid="tool-hosted"
              title="Ran inside Cell 0 itself, on its own data"
            >
              <Box size={11} aria-hidden />
              In Cell 0
            </span>
          ) : call.sandboxed ? (
            <span className="badge badge-success" title="Ran inside the sandbox">
              <ShieldCheck size={11} aria-hidden />
              Sandboxed
            </span>
          ) : (
            <span
              className="badge badge-danger"
              data-testid="tool-unsandboxed"
              title="The sandbox was not available: this call ran without confinement"
            >
              <ShieldOff size={11} aria-hidden />
              UNSANDBOXED
            </span>
          ))}
        {!call.hosted && (
          <span className="badge" title={call.network ? 'Network access allowed' : 'No network access'}>
            {call.network ? <Globe size={11} aria-hidden /> : <WifiOff size={11} aria-hidden />}
            {call.network ? 'Network' : 'No network'}
          </span>
        )}
        {call.exitCode !== null && (
          <span className={call.exitCode === 0 ? 'badge' : 'badge badge-danger'}>exit {call.exitCode}</span>
        )}
        {took && <span className="tool-card-took">{took}</span>}
      </div>
      {call.status === 'running' && <ToolProgress toolCallId={call.id} />}
      {limit && (
        <p className="tool-limit" data-testid="tool-limit" title={limit.why}>
          <Gauge size={13} aria-hidden />
          <span>
            <strong>{limit.title}.</strong> {limit.why}
          </span>
        </p>
      )}
      {call.error && !limit && (
        <p className="tool-error" role="note">
          <AlertTriangle size={13} aria-hidden />
          {call.error.message}
        </p>
      )}
      {open && hasOutput && (shell ? <ShellOutput call={call} text={text} /> : <PlainOutput text={text} />)}
      {shell && (
        <pre className="sr-only" data-testid="tool-output">
          {stripAnsi(text)}
        </pre>
      )}
    </div>
  );
});

function ShellOutput({ call, text }: { call: ToolCall; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="tool-terminal-wrap">
      <ShellTerminal text={text} label={`Terminal output of ${call.summary}`} />
      <button
        type="button"
        className="icon-button tool-copy"
        aria-label="Copy output as text"
        title={copied ? 'Copied' : 'Copy output'}
        onClick={() => {
          void navigator.clipboard.writeText(stripAnsi(text)).then(() => setCopied(true));
        }}
      >
        {copied ? <Check size={13} aria-hidden /> : <Copy size={13} aria-hidden />}
      </button>
    </div>
  );
}
