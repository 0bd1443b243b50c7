import { useState } from 'react';

/**
 * `value` as it was when `key` last changed. For numbers that change with every event but need
 * not be redrawn that often: a node's live token estimate is taken on its one-second clock (and
 * when the real count arrives), so 200 nodes do not repaint on every streamed word.
 */
export function useSampled<T>(value: T, key: string): T {
  const [sample, setSample] = useState({ value, key });
  if (sample.key !== key) {
    // Adjusting state while rendering (React's pattern for values derived from changing props).
    setSample({ value, key });
    return value;
  }
  return sample.value;
}
