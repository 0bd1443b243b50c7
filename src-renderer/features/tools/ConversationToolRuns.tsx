import { useShallow } from 'zustand/react/shallow';
import { STATUS_LABELS, toolLabel } from '../../lib/tool-wording.js';
import { useToolCalls } from '../../stores/tool-calls.js';
import { OTHER_TOOL_ICON, TOOL_ICONS } from './tool-icons.js';

/** The inspector's list of this conversation's tool calls, latest first, running ones on top. */
export function ConversationToolRuns({ conversationId }: { conversationId: string }) {
  const calls = useToolCalls(
    useShallow((s) =>
      Object.values(s.byId)
        .filter((c) => c.conversationId === conversationId)
        .sort(
          (a, b) =>
            Number(b.status === 'running') - Number(a.status === 'running') || b.startedAt - a.startedAt,
        ),
    ),
  );
  if (calls.length === 0) return <p className="muted">No tool calls in this conversation yet.</p>;
  return (
    <ul className="tool-runs">
      {calls.map((call) => {
        const Icon = TOOL_ICONS[call.tool] ?? OTHER_TOOL_ICON;
        return (
          <li key={call.id} className="tool-run" title={call.summary}>
            <Icon size={12} aria-hidden />
            <span className="sr-only">{toolLabel(call.tool)}: </span>
            <code className="tool-run-summary">{call.summary}</code>
            <span className="tool-status" data-status={call.status}>
              {STATUS_LABELS[call.status]}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
