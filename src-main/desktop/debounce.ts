/** A debounced call with a way to run it now (on close) or drop it (on dispose). */
export interface Debounced {
  (): void;
  flush(): void;
  cancel(): void;
}

// Written here rather than pulled in: ten lines, and the edge has no utility library to lean on.
export function debounce(fn: () => void, ms: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const debounced = (() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  }) as Debounced;
  debounced.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  debounced.flush = () => {
    if (!timer) return;
    debounced.cancel();
    fn();
  };
  return debounced;
}
