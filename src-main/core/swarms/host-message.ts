import type { SwarmAgent, SwarmRun } from '../protocol/swarm-entities.js';

/**
 * How a run ended, as its message in the conversation shows it. A failure's reason travels as the
 * message's error (shown once, where errors show); the text holds what is worth keeping: the
 * answer, or what the workers finished and a draft the reviewer did not approve.
 */
export function hostContent(run: SwarmRun, agents: SwarmAgent[], unreviewedDraft: string | null): string {
  if (run.status === 'done' && run.finalAnswer) return run.finalAnswer;
  const lines: string[] = run.status === 'stopped' ? ['The swarm was stopped.'] : [];
  if (unreviewedDraft) {
    lines.push(...(lines.length ? [''] : []), '**The merged answer, not approved by the review:**', '');
    lines.push(unreviewedDraft);
  }
  const finished = agents.filter((a) => a.role === 'worker' && a.status === 'done');
  if (finished.length > 0 && !unreviewedDraft) {
    lines.push(...(lines.length ? [''] : []), 'What the workers finished:');
    for (const a of finished) lines.push('', `**${a.title}**`, a.output.trim());
  }
  return lines.join('\n').trim();
}
