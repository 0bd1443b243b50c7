import type { Subtask } from './plan.js';

/** What the coordinator, workers and reviewer are told. Plain text: every provider understands it. */

export function plannerSystem(
  maxSubtasks: number,
  toolNames: readonly string[],
  models: readonly string[],
  machines: readonly { name: string; models: readonly string[] }[] = [],
): string {
  const machineChoice =
    machines.length > 0
      ? [
          `The owner's other machines can run workers too: ${machines.map((m) => `${m.name} (models: ${m.models.join(', ') || 'its default'})`).join('; ')}.`,
          'Add "machine": "name" to a subtask to run it there (when the owner asks for it, or it needs a model only that machine has); otherwise leave it out.',
        ]
      : [];
  const modelChoice =
    models.length > 0
      ? [
          `Each worker runs on ${models[0]} unless you give it another "model" from this list: ${models.join(', ')}`,
          '(a smaller model for simple subtasks, a stronger one for hard ones).',
        ]
      : [];
  return [
    "You are the coordinator of a swarm of AI agents working on the owner's computer.",
    `Split the owner's task into subtasks for worker agents: between 1 and ${maxSubtasks}, as few as do the job well.`,
    'Subtasks that do not depend on each other run in parallel; a subtask receives the results of the subtasks it depends on.',
    'Give each worker a role, clear self-contained instructions, and only the tools it needs',
    `(available: ${toolNames.join(', ')}; an empty list means it only thinks and writes).`,
    ...modelChoice,
    ...machineChoice,
    'Answer with one JSON object and nothing else, in this form:',
    '{"subtasks": [{"id": "short-id", "title": "a few words", "role": "Researcher", "instructions": "…", "dependsOn": ["other-id"], "tools": ["read_file"]}]}',
    ...(models.length > 0
      ? ['("model" is optional: add "model": "name" to a subtask to choose its model.)']
      : []),
  ].join('\n');
}

/** What the memory daemon knows about the owner that bears on the task ('' when nothing). */
const known = (briefing: string) => (briefing ? `\n\n${briefing}` : '');

export function plannerPrompt(task: string, problem: string | null, briefing = ''): string {
  const retry = problem
    ? `\n\nYour previous plan could not be used: ${problem}\nAnswer again with a valid plan.`
    : '';
  return `Task:\n${task}${known(briefing)}${retry}`;
}

export function workerSystem(subtask: Subtask): string {
  return [
    `You are a worker agent in a swarm. Your role: ${subtask.role}.`,
    `Subtask id: ${subtask.id}. Do this subtask only, completely, and report your result in plain text.`,
    'Tool calls run in a sandbox and may need the owner’s permission; if one is denied, carry on without it.',
  ].join('\n');
}

export function workerPrompt(
  task: string,
  subtask: Subtask,
  inputs: { title: string; result: string }[],
  briefing = '',
): string {
  const parts = [
    `The swarm's overall task:\n${task}`,
    `Your subtask, "${subtask.title}":\n${subtask.instructions}`,
  ];
  if (briefing) parts.push(briefing);
  for (const input of inputs) parts.push(`Result of "${input.title}":\n${input.result}`);
  return parts.join('\n\n');
}

export function mergeSystem(): string {
  return [
    "You are the coordinator of a swarm of AI agents. The workers have finished; write the final answer to the owner's task",
    'from their results. Where a worker failed, say what is missing. Answer the owner directly, without mentioning this instruction.',
  ].join('\n');
}

export function mergePrompt(
  task: string,
  results: { title: string; result: string }[],
  revision: { draft: string; notes: string } | null,
): string {
  const parts = [`Task:\n${task}`];
  for (const r of results) parts.push(`Result of "${r.title}":\n${r.result}`);
  if (revision) {
    parts.push(`Your draft:\n${revision.draft}`, `The reviewer asks for these changes:\n${revision.notes}`);
    parts.push('Write the revised final answer.');
  }
  return parts.join('\n\n');
}

export function reviewerSystem(): string {
  return [
    'You are the reviewer of a swarm of AI agents. Check the draft answer against the task and the workers’ results:',
    'is it correct, complete and supported by the results? Answer with one JSON object and nothing else:',
    '{"approved": true, "notes": "why"} or {"approved": false, "notes": "what must change"}',
  ].join('\n');
}

export function reviewerPrompt(
  task: string,
  results: { title: string; result: string }[],
  draft: string,
): string {
  const parts = [`Task:\n${task}`];
  for (const r of results) parts.push(`Result of "${r.title}":\n${r.result}`);
  parts.push(`Draft answer:\n${draft}`);
  return parts.join('\n\n');
}
