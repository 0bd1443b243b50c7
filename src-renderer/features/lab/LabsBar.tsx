import { FlaskConical } from 'lucide-react';
import { useEffect } from 'react';
import { client } from '../../app/client-instance.js';
import { useLabs } from '../../stores/labs.js';

const ORIGIN: Record<string, string> = {
  reply: 'Dry run',
  swarm: 'Simulated swarm',
  'tool-call': 'Tried in a lab',
  cli: 'Lab',
};

/** The conversation's labs still waiting for a decision, each one click from its review. */
export function LabsBar({ conversationId }: { conversationId: string }) {
  const byId = useLabs((s) => s.byId);
  useEffect(() => {
    void client()
      .call('labs.list', { conversationId })
      .then(({ labs }) => useLabs.getState().upsert(labs))
      .catch((err: unknown) => console.warn('cell0: could not list labs', err));
  }, [conversationId]);
  const waiting = Object.values(byId)
    .filter((l) => l.conversationId === conversationId && (l.state === 'open' || l.state === 'full'))
    .sort((a, b) => b.createdAt - a.createdAt);
  if (waiting.length === 0) return null;
  return (
    <ul className="labs-bar" aria-label="Labs waiting for review" data-testid="labs-bar">
      {waiting.map((lab) => (
        <li key={lab.id} className="labs-bar-item">
          <FlaskConical size={14} aria-hidden />
          <span>
            {ORIGIN[lab.origin] ?? 'Lab'}: nothing has reached the workspace yet
            {lab.state === 'full' ? ' (the lab is full)' : ''}
          </span>
          <button
            type="button"
            className="button"
            data-testid="lab-review-open"
            onClick={() => useLabs.getState().review(lab.id)}
          >
            Review changes
          </button>
        </li>
      ))}
    </ul>
  );
}
