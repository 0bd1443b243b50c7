import { Search } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { SearchHit } from '../../../src-main/core/protocol/index.js';
import { clampActive, paletteKeyAction } from '../../lib/listbox-keys.js';
import { snippetText } from '../../lib/snippet.js';
import { revealMessage } from '../chat/reveal-message.js';
import { groupHits } from './group-hits.js';
import { usePalette } from './palette-store.js';
import { SnippetText } from './SnippetText.js';
import { useMessageSearch } from './use-message-search.js';
import { plural } from '../../lib/plural.js';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * A combobox in a native modal <dialog> (focus trapped, Esc closes, focus restored): focus stays
 * in the input and aria-activedescendant names the option the arrows moved to.
 */
export function SearchPalette() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const search = useMessageSearch(query);
  const { groups, flat } = groupHits(search.hits);
  const current = clampActive(active, flat.length);
  const baseId = useId();
  const listId = `${baseId}-list`;
  const optionId = (position: number) => `${baseId}-opt-${position}`;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  useEffect(() => {
    if (current < 0) return;
    listRef.current?.querySelector(`[data-position="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  function choose(hit: SearchHit): void {
    usePalette.getState().close();
    void revealMessage(hit.conversationId, hit.index);
  }

  return createPortal(
    <dialog
      ref={dialogRef}
      className="dialog palette"
      data-testid="search-palette"
      aria-label="Search messages"
      onCancel={(e) => {
        e.preventDefault();
        usePalette.getState().close();
      }}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog itself, outside its content box.
        if (e.target === e.currentTarget) usePalette.getState().close();
      }}
    >
      <div className="palette-input-row">
        <Search size={16} aria-hidden className="palette-input-icon" />
        <input
          className="palette-input"
          data-testid="search-input"
          role="combobox"
          aria-label="Search messages"
          aria-expanded={flat.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={current >= 0 ? optionId(current) : undefined}
          placeholder="Search messages…"
          maxLength={500}
          autoFocus
          spellCheck={false}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            const action = paletteKeyAction(e.key, current, flat.length);
            if (!action) return;
            e.preventDefault();
            if (action.type === 'close') usePalette.getState().close();
            else if (action.type === 'move') setActive(action.index);
            else {
              const hit = flat[action.index];
              if (hit) choose(hit);
            }
          }}
        />
        {search.status === 'searching' && <span className="palette-busy" aria-hidden />}
      </div>
      <div ref={listRef} id={listId} role="listbox" aria-label="Matching messages" className="palette-list">
        {groups.map((group) => (
          <div key={group.conversationId} role="group" aria-label={group.title} className="palette-group">
            <div className="palette-group-title" aria-hidden>
              {group.title}
            </div>
            {group.hits.map(({ hit, position }) => (
              <div
                key={hit.messageId}
                id={optionId(position)}
                role="option"
                aria-selected={position === current}
                aria-label={`${hit.role === 'user' ? 'You' : 'Cell 0'}, ${dateFormat.format(hit.createdAt)}: ${snippetText(hit.snippet)}`}
                className="palette-option"
                data-testid="search-result"
                data-conversation-id={hit.conversationId}
                data-message-index={hit.index}
                data-position={position}
                onMouseMove={() => setActive(position)}
                onClick={() => choose(hit)}
              >
                <span className="palette-option-meta">
                  <span className={hit.role === 'user' ? 'badge' : 'badge badge-accent'}>
                    {hit.role === 'user' ? 'You' : 'Cell 0'}
                  </span>
                  <time dateTime={new Date(hit.createdAt).toISOString()}>
                    {dateFormat.format(hit.createdAt)}
                  </time>
                </span>
                <span className="palette-snippet">
                  <SnippetText snippet={hit.snippet} />
                </span>
              </div>
            ))}
          </div>
        ))}
      </div>
      <PaletteFooter query={query} status={search.status} error={search.error} count={flat.length} />
    </dialog>,
    document.body,
  );
}

function PaletteFooter(props: { query: string; status: string; error: string | null; count: number }) {
  const { query, status, error, count } = props;
  if (query.trim() === '') {
    return (
      <div className="palette-empty" data-testid="search-empty" data-reason="no-query">
        <p>Search every message of every conversation.</p>
        <p className="muted">
          Type a word or phrase; ↑ ↓ to move, Enter to jump to the message, Esc to close.
        </p>
      </div>
    );
  }
  if (status === 'error') {
    return (
      <p className="inline-error palette-empty" role="alert">
        Search failed: {error}
      </p>
    );
  }
  if (status === 'ready' && count === 0) {
    return (
      <div className="palette-empty" data-testid="search-empty" data-reason="no-results" role="status">
        <p>No message matches “{query.trim()}”.</p>
        <p className="muted">Try fewer or different words.</p>
      </div>
    );
  }
  return (
    <p className="sr-only" role="status">
      {status === 'searching' ? 'Searching…' : `${plural(count, 'message')} found`}
    </p>
  );
}
