import { randomUUID } from 'node:crypto';
import type { ToolSet } from 'ai';
import { tool } from '../base/ai-sdk.js';
import { z } from 'zod';
import type { EventBus } from '../base/event-bus.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { Cell0Error } from '../protocol/errors.js';
import type { SwarmProposal, SwarmRun } from '../protocol/swarm-entities.js';

interface PendingProposal {
  proposal: SwarmProposal;
  decide: (run: SwarmRun | null) => void;
}

export interface ProposalDeps {
  bus: EventBus;
  audit: Pick<AuditLog, 'append'>;
  /** Starts an accepted proposal's swarm inside the reply that proposed it. */
  launch: (proposal: SwarmProposal) => Promise<SwarmRun>;
  /** A run's end, and how to stop it (the proposing reply was stopped). */
  follow: (runId: string) => { done: Promise<SwarmRun>; stop(): void };
}

/**
 * `propose_swarm`: an agent asks the owner to run a task as a swarm. The call waits for the
 * owner; if accepted it waits for the run and returns its answer to the agent.
 */
export class SwarmProposals {
  private readonly pendingById = new Map<string, PendingProposal>();
  private closed = false;

  constructor(private readonly deps: ProposalDeps) {}

  pending(conversationId?: string): SwarmProposal[] {
    return [...this.pendingById.values()]
      .map((p) => p.proposal)
      .filter((p) => !conversationId || p.conversationId === conversationId);
  }

  /** Declines every pending proposal and takes no more (Cell 0 is stopping). */
  close(): void {
    this.closed = true;
    for (const p of this.pendingById.values()) p.decide(null);
    this.pendingById.clear();
  }

  async respond(proposalId: string, accept: boolean): Promise<SwarmRun | null> {
    const pending = this.pendingById.get(proposalId);
    if (!pending) throw new Cell0Error('NOT_FOUND', 'That proposal was already answered or withdrawn.');
    this.pendingById.delete(proposalId);
    const { proposal } = pending;
    await this.deps.audit.append({
      actor: 'owner',
      kind: accept ? 'permission.grant' : 'permission.deny',
      tool: 'propose_swarm',
      args: { task: proposal.task },
      outcome: accept ? 'accepted' : 'declined',
      conversationId: proposal.conversationId,
    });
    const run = accept ? await this.deps.launch(proposal) : null;
    pending.decide(run);
    this.deps.bus.emit('swarm.proposalResolved', { proposalId, accepted: accept, runId: run?.id ?? null });
    return run;
  }

  tools(ctx: { conversationId: string; messageId: string; signal: AbortSignal }): ToolSet {
    return {
      propose_swarm: tool({
        description:
          'Propose running a large task as a swarm: a coordinator splits it into subtasks that worker agents do in parallel, and a reviewer checks the result. The owner is asked first. Returns the swarm’s final answer, or that the owner declined.',
        inputSchema: z.object({
          task: z
            .string()
            .min(1)
            .max(20_000)
            .describe('The whole task, self-contained: the swarm sees nothing else.'),
          reason: z
            .string()
            .max(2_000)
            .optional()
            .describe('Why a swarm suits this task better than one agent.'),
        }),
        execute: async ({ task, reason }) => {
          const decision = await this.propose(ctx, task, reason ?? null);
          if (!decision) return 'The owner declined to run a swarm. Carry on without one.';
          const run = this.deps.follow(decision.id);
          // Stopping the reply that proposed it stops the swarm too.
          ctx.signal.addEventListener('abort', () => run.stop(), { once: true });
          const ended = await run.done;
          if (ended.status === 'done') return ended.finalAnswer ?? '';
          return `The swarm ended ${ended.status}${ended.error ? `: ${ended.error.message}` : ''}.`;
        },
      }),
    };
  }

  private propose(
    ctx: { conversationId: string; messageId: string; signal: AbortSignal },
    task: string,
    reason: string | null,
  ): Promise<SwarmRun | null> {
    if (this.closed) return Promise.resolve(null);
    const proposal: SwarmProposal = {
      id: randomUUID(),
      conversationId: ctx.conversationId,
      messageId: ctx.messageId,
      task,
      reason,
      createdAt: Date.now(),
    };
    return new Promise((resolve) => {
      const onAbort = () => {
        if (this.pendingById.delete(proposal.id)) {
          this.deps.bus.emit('swarm.proposalResolved', {
            proposalId: proposal.id,
            accepted: false,
            runId: null,
          });
        }
        resolve(null);
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      this.pendingById.set(proposal.id, {
        proposal,
        decide: (run) => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(run);
        },
      });
      this.deps.bus.emit('swarm.proposed', { proposal });
    });
  }
}
