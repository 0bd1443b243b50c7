/**
 * `swarm=<run id>` in the address's hash (alone, `#swarm=…`, or beside the serve token,
 * `#token=…&swarm=…`) opens that run full-size: a link, or a benchmark loading a run.
 */
export function swarmIdFromHash(hash: string): string | null {
  const m = /(?:^#|&)swarm=([\w-]{1,64})(?:&|$)/.exec(hash);
  return m ? m[1]! : null;
}
