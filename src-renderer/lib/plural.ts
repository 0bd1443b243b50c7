/** The noun for a count: "agent" for 1, "agents" for anything else (0 too); irregular plurals given. */
export function pluralWord(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/**
 * A count and its noun: "1 agent", "2 agents", "0 memories". `shown` is how the number is written
 * when it is not written plainly ("1.2k" tokens); the noun still follows the count itself.
 */
export function plural(count: number, one: string, many?: string, shown?: string): string {
  return `${shown ?? count.toLocaleString('en-US')} ${pluralWord(count, one, many)}`;
}
