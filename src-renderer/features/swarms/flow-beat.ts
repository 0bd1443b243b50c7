/**
 * The graph's one clock for motion: four beats a second, for every graph at once. On each beat
 * the flowing edges' dashes move (a `data-beat` attribute their CSS reads) and edges that just
 * carried a message flash (a `data-pulse` attribute for a second). Everything that moves changes
 * in the same frame, a few times a second: one repaint per beat, however many edges flow. CSS
 * animations per edge would repaint every frame, each out of step with the others; set on the
 * elements directly, no React render runs per beat.
 */
const BEAT_MS = 250;
const PULSE_BEATS = 4;

const graphs = new Set<HTMLElement>();
const listeners = new Set<() => void>();
const pulses = new Map<Element, number>();
let beat = 0;
let timer: ReturnType<typeof setInterval> | null = null;

function tick(): void {
  beat = (beat + 1) % 4;
  for (const g of graphs) g.dataset.beat = String(beat);
  for (const l of listeners) l();
  for (const [el, left] of pulses) {
    if (left === PULSE_BEATS) el.setAttribute('data-pulse', '');
    if (left <= 1 || !el.isConnected) {
      el.removeAttribute('data-pulse');
      pulses.delete(el);
    } else {
      pulses.set(el, left - 1);
    }
  }
}

function stopWhenUnused(): void {
  if (graphs.size === 0 && listeners.size === 0 && timer) {
    clearInterval(timer);
    timer = null;
    pulses.clear();
  }
}

/** Runs the clock for a mounted graph; returns the detach. */
export function attachBeat(graph: HTMLElement): () => void {
  graphs.add(graph);
  timer ??= setInterval(tick, BEAT_MS);
  return () => {
    graphs.delete(graph);
    stopWhenUnused();
  };
}

/** Calls back on each beat (for views that follow a run at the beat's pace); returns the unsubscribe. */
export function onBeat(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(tick, BEAT_MS);
  return () => {
    listeners.delete(listener);
    stopWhenUnused();
  };
}

/** The edge's path flashes from the next beat, for a second. */
export function pulse(edgePath: Element): void {
  pulses.set(edgePath, PULSE_BEATS);
}
