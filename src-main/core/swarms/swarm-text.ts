import { Cell0Error, type ErrorShape } from '../protocol/errors.js';

/** How much of an agent's text travels in a message between agents (the graph shows it). */
export const MESSAGE_EXCERPT_CHARS = 2_000;

export const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

/** An agent's failure as its node shows it: a Cell0Error as it is, anything else in plain words. */
export function failureOf(err: unknown): ErrorShape {
  if (err instanceof Cell0Error) return err.toShape();
  return { code: 'AGENT_FAILED', message: 'The agent failed inside Cell 0. It was logged.' };
}
