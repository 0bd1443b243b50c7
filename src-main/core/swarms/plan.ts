import { z } from 'zod';
import { TOOL_NAMES } from '../protocol/kernel-entities.js';

/** What the coordinator must answer: the subtasks and what each waits for. */
export const planSchema = z.object({
  subtasks: z
    .array(
      z.object({
        id: z.string().trim().min(1).max(40),
        title: z.string().trim().min(1).max(120),
        /** The worker's role, e.g. "Researcher" or "Test writer". */
        role: z.string().trim().min(1).max(60),
        instructions: z.string().trim().min(1).max(8_000),
        dependsOn: z.array(z.string().trim().min(1).max(40)),
        /** The kernel tools the worker may use (every call still goes through permissions). */
        tools: z.array(z.enum(TOOL_NAMES)),
        /** Another model of the run's provider for this worker (one the provider lists); default: the run's. */
        model: z.string().trim().min(1).max(200).optional(),
        /** A machine of the owner's mesh to run it on (by name); default: wherever fits. */
        machine: z.string().trim().min(1).max(60).optional(),
      }),
    )
    .min(1),
});
export type Plan = z.infer<typeof planSchema>;
export type Subtask = Plan['subtasks'][number];

/** Why a plan cannot run; fed back to the coordinator for one more try. */
export class PlanError extends Error {}

/** A reviewer's answer that is not a verdict. */
export class ReviewError extends Error {}

/**
 * Checks what the schema cannot: unique ids, known dependencies, no cycles, and a size the budget
 * allows. Returns the subtasks in an order where every dependency comes first.
 */
export function validatePlan(
  plan: Plan,
  maxSubtasks: number,
  models: readonly string[] = [],
  machines: readonly string[] = [],
): Subtask[] {
  const { subtasks } = plan;
  for (const s of subtasks) {
    if (s.machine !== undefined && !machines.some((m) => m.toLowerCase() === s.machine!.toLowerCase())) {
      throw new PlanError(
        machines.length > 0
          ? `Subtask "${s.id}" asks for the machine "${s.machine}", which is not one of: ${machines.join(', ')}.`
          : `Subtask "${s.id}" asks for a machine, but no other machine is available; leave "machine" out.`,
      );
    }
    if (s.model !== undefined && !models.includes(s.model)) {
      throw new PlanError(
        models.length > 0
          ? `Subtask "${s.id}" asks for the model "${s.model}", which is not one of: ${models.join(', ')}.`
          : `Subtask "${s.id}" asks for a model, but only the run's model is available; leave "model" out.`,
      );
    }
  }
  if (subtasks.length > maxSubtasks) {
    throw new PlanError(
      `The plan has ${subtasks.length} subtasks; the budget allows at most ${maxSubtasks}. Merge some.`,
    );
  }
  const byId = new Map<string, Subtask>();
  for (const s of subtasks) {
    if (byId.has(s.id)) throw new PlanError(`Two subtasks have the id "${s.id}". Ids must be unique.`);
    byId.set(s.id, s);
  }
  for (const s of subtasks) {
    for (const dep of s.dependsOn) {
      if (dep === s.id) throw new PlanError(`Subtask "${s.id}" depends on itself.`);
      if (!byId.has(dep))
        throw new PlanError(`Subtask "${s.id}" depends on "${dep}", which is not in the plan.`);
    }
  }
  // Kahn's algorithm: whatever is left once no subtask is free is a cycle.
  const ordered: Subtask[] = [];
  const remaining = new Map(subtasks.map((s) => [s.id, new Set(s.dependsOn)]));
  while (remaining.size > 0) {
    const free = [...remaining].filter(([, deps]) => deps.size === 0).map(([id]) => id);
    if (free.length === 0) {
      throw new PlanError(`The dependencies form a cycle among: ${[...remaining.keys()].join(', ')}.`);
    }
    for (const id of free) {
      remaining.delete(id);
      ordered.push(byId.get(id)!);
      for (const deps of remaining.values()) deps.delete(id);
    }
  }
  return ordered;
}

/** Pulls the JSON object out of a model's answer (bare, or in a ```json fence, or with prose around it). */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = fenced?.[1] ?? text;
  const start = candidate.indexOf('{');
  const end = candidate.lastIndexOf('}');
  if (start < 0 || end < start) throw new PlanError('The answer holds no JSON object.');
  try {
    return JSON.parse(candidate.slice(start, end + 1));
  } catch (err) {
    throw new PlanError(`The JSON does not parse: ${(err as Error).message}`);
  }
}

/** Parses and validates a coordinator's answer into ordered subtasks. */
export function parsePlan(
  text: string,
  maxSubtasks: number,
  models: readonly string[] = [],
  machines: readonly string[] = [],
): Subtask[] {
  const parsed = planSchema.safeParse(extractJson(text));
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new PlanError(`The plan does not match the schema: ${issues}`);
  }
  return validatePlan(parsed.data, maxSubtasks, models, machines);
}

export const reviewSchema = z.object({ approved: z.boolean(), notes: z.string().max(8_000) });
export type Review = z.infer<typeof reviewSchema>;

/** The reviewer's verdict; anything else is a failed review (ReviewError), never an approval. */
export function parseReview(text: string): Review {
  let parsed: ReturnType<typeof reviewSchema.safeParse> | null = null;
  try {
    parsed = reviewSchema.safeParse(extractJson(text));
  } catch {
    // not JSON at all
  }
  if (parsed?.success) return parsed.data;
  // Fails closed: a verdict that cannot be read approves nothing.
  throw new ReviewError(
    `The reviewer's verdict could not be read, so the answer was not approved. It said: ${text.trim().slice(0, 300) || '(nothing)'}`,
  );
}
