import { Clock, Wrench } from 'lucide-react';
import { useEffect, useState } from 'react';
import {
  describeRetry,
  formatToolCall,
  type RetryNotice,
  type ToolCallRequest,
} from '../../lib/live-activity.js';

const TICK_MS = 250;

/** A live countdown; the announced text omits the seconds so screen readers are not told every tick. */
export function RetryNoticeView({ notice }: { notice: RetryNotice }) {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [notice]);

  const text = describeRetry(notice, now);
  return (
    <>
      <div className="retry-notice" data-testid="message-retrying" title={notice.error.message} aria-hidden>
        <Clock size={13} aria-hidden />
        <span>{text}</span>
      </div>
      <span className="sr-only" role="status">
        {describeRetry(notice)}
      </span>
    </>
  );
}

/** The model asked for a tool that the kernel has not reported on; nothing is known to have run. */
export function ToolCallCard({ call }: { call: ToolCallRequest }) {
  const { short, full } = formatToolCall(call);
  return (
    <div className="tool-call" data-testid="message-tool-call">
      <Wrench size={14} aria-hidden className="tool-call-icon" />
      <div className="tool-call-text">
        <p>
          Requested tool: <code title={full}>{short}</code>
        </p>
        <p className="tool-call-note">Waiting for the kernel to take this call.</p>
      </div>
    </div>
  );
}
