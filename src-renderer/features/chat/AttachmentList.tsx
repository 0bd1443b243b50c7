import { FileText, Image } from 'lucide-react';
import type { Attachment } from '../../../src-main/core/protocol/index.js';
import { formatBytes } from '../../lib/local-model-format.js';

/** The files a message refers to, each with where it sits in the conversation's workspace. */
export function AttachmentList({
  attachments,
  onRemove,
}: {
  attachments: Attachment[];
  onRemove?(path: string): void;
}) {
  return (
    <ul className="attachment-list" aria-label="Attachments">
      {attachments.map((a) => (
        <li key={a.path} className="attachment-chip" data-testid="attachment-chip" title={a.path}>
          {a.kind === 'image' ? <Image size={13} aria-hidden /> : <FileText size={13} aria-hidden />}
          <span className="attachment-name">{a.name}</span>
          <span className="attachment-size">{formatBytes(a.size)}</span>
          {a.truncated && <span className="attachment-note">text cut at the limit</span>}
          {onRemove && (
            <button
              type="button"
              className="icon-button attachment-remove"
              aria-label={`Remove ${a.name}`}
              onClick={() => onRemove(a.path)}
            >
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
