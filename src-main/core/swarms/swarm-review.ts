import { Cell0Error } from '../protocol/errors.js';
import type { SwarmAgent, SwarmRun } from '../protocol/swarm-entities.js';
import { ReviewError, parseReview } from './plan.js';
import * as prompts from './prompts.js';
import type { AgentRunner } from './swarm-agent-runner.js';
import type { RunBudget } from './swarm-budget.js';
import type { AgentSpec, RunRecorder } from './swarm-recorder.js';
import { MESSAGE_EXCERPT_CHARS, clip, failureOf } from './swarm-text.js';

/** What the merge and review need of the run they belong to. */
export interface ReviewContext {
  run: SwarmRun;
  runner: AgentRunner;
  recorder: RunRecorder;
  budget: RunBudget;
  spawn(spec: AgentSpec): SwarmAgent;
  stoppedByOwner: ReadonlySet<string>;
  throwIfEnded(): void;
}

/** The review failed or gave no verdict: the run fails with this, the draft kept aside as unapproved. */
export class UnapprovedAnswer extends Cell0Error {
  constructor(
    error: Cell0Error,
    readonly draft: string,
  ) {
    super(error.code, error.message);
  }
}

/**
 * The coordinator merges the results, the reviewer checks the draft, and one revision follows a
 * "no". The review fails closed: a reviewer that fails or gives no readable verdict approves
 * nothing, and the run fails with the unreviewed draft kept aside.
 */
export async function mergeAndReview(
  ctx: ReviewContext,
  coordinator: SwarmAgent,
  results: { title: string; result: string }[],
): Promise<string> {
  ctx.recorder.appendOutput(coordinator, '\n\n');
  let draft = await ctx.runner.turn(
    coordinator,
    prompts.mergeSystem(),
    prompts.mergePrompt(ctx.run.task, results, null),
  );
  if (ctx.budget.hasRoomForAgent()) {
    const reviewer = ctx.spawn({
      role: 'reviewer',
      title: 'Reviewer',
      instructions: 'Check the draft answer against the task and the results.',
      subtaskId: null,
      dependsOn: [coordinator.id],
      parentId: coordinator.id,
    });
    ctx.recorder.message(coordinator.id, reviewer.id, 'review', clip(draft, MESSAGE_EXCERPT_CHARS));
    ctx.recorder.setAgentStatus(coordinator, 'waiting');
    let verdict;
    try {
      verdict = parseReview(
        await ctx.runner.turn(
          reviewer,
          prompts.reviewerSystem(),
          prompts.reviewerPrompt(ctx.run.task, results, draft),
        ),
      );
    } catch (err) {
      ctx.throwIfEnded();
      if (!ctx.stoppedByOwner.has(reviewer.id)) {
        const error =
          err instanceof ReviewError
            ? new Cell0Error('REVIEW_FAILED', err.message)
            : new Cell0Error(
                'REVIEW_FAILED',
                `The review failed, so the answer was not approved: ${failureOf(err).message}`,
              );
        ctx.recorder.setAgentStatus(reviewer, 'failed', error.toShape());
        throw new UnapprovedAnswer(error, draft.trim());
      }
      // The owner stopped the reviewer: their call, the draft stands unreviewed.
      ctx.recorder.setAgentStatus(reviewer, 'stopped');
    }
    if (verdict) {
      ctx.recorder.setAgentStatus(reviewer, 'done');
      if (!verdict.approved) {
        ctx.recorder.message(reviewer.id, coordinator.id, 'revise', verdict.notes);
        ctx.recorder.appendOutput(coordinator, '\n\n');
        draft = await ctx.runner.turn(
          coordinator,
          prompts.mergeSystem(),
          prompts.mergePrompt(ctx.run.task, results, { draft, notes: verdict.notes }),
        );
      } else {
        ctx.recorder.message(reviewer.id, coordinator.id, 'review', verdict.notes || 'Approved.');
      }
    }
  }
  ctx.recorder.setAgentStatus(coordinator, 'done');
  ctx.recorder.message(coordinator.id, null, 'final', clip(draft, MESSAGE_EXCERPT_CHARS));
  return draft.trim();
}
