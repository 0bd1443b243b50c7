/** The live timeline's scale: 10 s, then half as long again each time the run outgrows it. */
export function timelineSpan(elapsed: number): number {
  let span = 10_000;
  while (span < elapsed * 1.05) span = Math.round(span * 1.5);
  return span;
}
