import { Braces, FileText, Loader2 } from 'lucide-react';
import { useState } from 'react';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { downloadText } from '../../lib/download.js';
import { useUi } from '../../stores/ui.js';

type Format = 'markdown' | 'json';

/** "Export as Markdown / JSON" in the conversation header: the core writes the file, the window saves it. */
export function ExportButtons({ conversationId }: { conversationId: string }) {
  const [busy, setBusy] = useState<Format | null>(null);

  async function exportAs(format: Format): Promise<void> {
    setBusy(format);
    try {
      const file = await client().call('conversations.export', { id: conversationId, format });
      downloadText(file.filename, file.mimeType, file.content);
    } catch (err) {
      useUi.getState().setNotice(`Could not export this conversation: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="export-buttons" role="group" aria-label="Export">
      <button
        type="button"
        className="icon-button"
        data-testid="export-markdown"
        aria-label="Export as Markdown"
        title="Export as Markdown"
        disabled={busy !== null}
        onClick={() => void exportAs('markdown')}
      >
        {busy === 'markdown' ? (
          <Loader2 size={15} className="spin" aria-hidden />
        ) : (
          <FileText size={15} aria-hidden />
        )}
      </button>
      <button
        type="button"
        className="icon-button"
        data-testid="export-json"
        aria-label="Export as JSON"
        title="Export as JSON"
        disabled={busy !== null}
        onClick={() => void exportAs('json')}
      >
        {busy === 'json' ? (
          <Loader2 size={15} className="spin" aria-hidden />
        ) : (
          <Braces size={15} aria-hidden />
        )}
      </button>
    </div>
  );
}
