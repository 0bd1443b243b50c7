import { useToolProgress } from '../../stores/tool-progress.js';

/** How far a running tool says it has come (MCP progress notifications), in the server's words. */
export function ToolProgress({ toolCallId }: { toolCallId: string }) {
  const progress = useToolProgress((s) => s.byId[toolCallId]);
  if (!progress) return null;
  const { total, message } = progress;
  const count = total ? `${progress.progress} of ${total}` : String(progress.progress);
  return (
    <div className="tool-progress" data-testid="tool-progress" role="status">
      <progress
        value={progress.progress}
        {...(total ? { max: total } : {})}
        aria-label={`Progress: ${count}`}
      />
      <span className="tool-progress-text">
        {count}
        {message ? ` · ${message}` : ''}
      </span>
    </div>
  );
}
