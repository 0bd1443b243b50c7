import { useId, useState } from 'react';
import type { PermissionPreview } from '../../../src-main/core/protocol/index.js';
import {
  formatBytes,
  headOfLines,
  plural,
  PREVIEW_HEAD_CHARS,
  PREVIEW_HEAD_LINES,
} from '../../lib/permission-preview.js';
import { clipOutput } from '../../lib/tool-wording.js';

const SIGNS = { keep: ' ', remove: '-', add: '+' } as const;

/** What a write or an edit will put in the file: its first lines, and the whole of it one click away. */
export function PermissionPreviewView({ preview }: { preview: PermissionPreview }) {
  const [all, setAll] = useState(false);
  const bodyId = useId();

  let summary: string;
  let body;
  let clipped: boolean;
  if (preview.kind === 'write') {
    summary =
      preview.bytes === 0
        ? 'Writes an empty file'
        : `Writes ${formatBytes(preview.bytes)} in ${plural(preview.lines, 'line')}`;
    const head = clipOutput(preview.text, PREVIEW_HEAD_LINES, PREVIEW_HEAD_CHARS);
    clipped = head.clipped;
    body = all ? preview.text : head.shown;
  } else {
    summary = `Removes ${plural(preview.removed, 'line')}, adds ${plural(preview.added, 'line')}`;
    const head = headOfLines(preview.lines);
    clipped = head.clipped;
    body = (all ? preview.lines : head.shown).map((line, i) => (
      <span key={i} className={`preview-line preview-${line.op}`} data-op={line.op}>
        <span className="preview-sign" aria-hidden>
          {SIGNS[line.op]}
        </span>
        {line.text}
        {'\n'}
      </span>
    ));
  }

  return (
    <div className="permission-preview" data-testid="permission-preview" data-kind={preview.kind}>
      <div className="permission-preview-head">
        <span data-testid="permission-preview-summary">{summary}</span>
        {clipped && (
          <button
            type="button"
            className="button button-small"
            data-testid="permission-preview-toggle"
            aria-expanded={all}
            aria-controls={bodyId}
            onClick={() => setAll((v) => !v)}
          >
            {all ? 'Show less' : 'Show all'}
          </button>
        )}
      </div>
      <pre
        id={bodyId}
        className="permission-preview-body"
        data-testid="permission-preview-body"
        data-clipped={clipped && !all ? 'true' : 'false'}
        aria-label={preview.kind === 'write' ? 'Content it will write' : 'Change it will make'}
      >
        {body}
      </pre>
      {clipped && !all && (
        <p className="permission-preview-more">
          Only the beginning is shown; Show all has the whole{' '}
          {preview.kind === 'write' ? 'content' : 'change'}.
        </p>
      )}
    </div>
  );
}
