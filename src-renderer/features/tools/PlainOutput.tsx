import { useState } from 'react';
import { plural } from '../../lib/plural.js';
import { clipOutput } from '../../lib/tool-wording.js';

/** A non-shell tool's output: the head of it, with the rest one click away. */
export function PlainOutput({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  const { shown, clipped, lines } = clipOutput(text);
  return (
    <div className="tool-output-wrap">
      <pre className="tool-output" data-testid="tool-output" tabIndex={0} aria-label="Output">
        {all ? text : shown}
      </pre>
      {clipped && (
        <button type="button" className="button button-small button-ghost" onClick={() => setAll((v) => !v)}>
          {all ? 'Show less' : `Show all (${plural(lines, 'line')})`}
        </button>
      )}
    </div>
  );
}
