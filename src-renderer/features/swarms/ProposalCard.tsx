import { Network } from 'lucide-react';
import { memo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SwarmProposal } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { useSwarms } from '../../stores/swarms.js';
import { respondToProposal } from './actions.js';

/** An agent's proposals to run a task as a swarm, under the reply that made them. */
export const MessageProposals = memo(function MessageProposals({ messageId }: { messageId: string }) {
  const proposals = useSwarms(
    useShallow((s) => Object.values(s.proposals).filter((p) => p.messageId === messageId)),
  );
  return (
    <>
      {proposals.map((p) => (
        <ProposalCard key={p.id} proposal={p} />
      ))}
    </>
  );
});

function ProposalCard({ proposal }: { proposal: SwarmProposal }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const answer = (accept: boolean) => {
    setBusy(true);
    setError(null);
    respondToProposal(proposal.id, accept)
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="swarm-proposal" data-testid="swarm-proposal" role="group" aria-label="Swarm proposal">
      <p className="swarm-proposal-title">
        <Network size={14} aria-hidden />
        The assistant asks to run this as a swarm
      </p>
      <p className="swarm-proposal-task">{proposal.task}</p>
      {proposal.reason && (
        <div className="swarm-proposal-reason">
          <span className="swarm-proposal-reason-label">Its reason (written by the model, not verified)</span>
          <p className="mono">{proposal.reason}</p>
        </div>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="swarm-proposal-actions">
        <button
          type="button"
          className="button button-small button-primary"
          data-testid="swarm-proposal-start"
          disabled={busy}
          onClick={() => answer(true)}
        >
          Start swarm
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="swarm-proposal-decline"
          disabled={busy}
          onClick={() => answer(false)}
        >
          Decline
        </button>
      </div>
    </div>
  );
}
