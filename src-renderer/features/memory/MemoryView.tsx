import { Brain, Search } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { useMemory } from '../../stores/memory.js';
import { loadMemories, loadMoreMemories } from './actions.js';
import { AddMemory } from './AddMemory.js';
import { ForgetTopic } from './ForgetTopic.js';
import { MemoryFailures } from './MemoryFailures.js';
import { MemoryItem } from './MemoryItem.js';
import { BackToChat } from '../../components/BackToChat.js';

const SEARCH_DELAY_MS = 200;

/** Everything Cell 0 remembers, to read, correct, pin or forget; kept current by memory events. */
export function MemoryView() {
  const list = useMemory((s) => s.list);
  const [query, setQuery] = useState(list.query);
  const [includeRetired, setIncludeRetired] = useState(list.includeRetired);
  const id = useId();

  useEffect(() => {
    const q = query.trim();
    const shown = useMemory.getState().list;
    const same = shown.query === q && shown.includeRetired === includeRetired;
    if (same && (shown.status === 'ready' || shown.status === 'loading')) return;
    // Typing waits for a pause; opening the view or ticking the box loads at once.
    const timer = setTimeout(
      () => void loadMemories(q, includeRetired),
      shown.query === q ? 0 : SEARCH_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [query, includeRetired]);

  const filtered = list.query !== '';
  const more = list.total - list.items.length;

  return (
    <section className="memory-view" data-testid="memory-view" aria-labelledby={`${id}-title`}>
      <header className="view-header">
        <BackToChat />
        <h1 id={`${id}-title`} className="view-title">
          Memory
        </h1>
        <AddMemory />
      </header>
      <div className="memory-body">
        <p className="muted memory-intro">
          What Cell 0 remembers from your chats and recalls when it answers. Correct anything wrong, pin what
          must never be lost, or forget a whole topic.
        </p>
        <MemoryFailures />
        <div className="memory-toolbar">
          <div className="memory-search">
            <Search size={14} aria-hidden className="memory-search-icon" />
            <label className="sr-only" htmlFor={`${id}-search`}>
              Search memories
            </label>
            <input
              id={`${id}-search`}
              type="search"
              data-testid="memory-search"
              placeholder="Search memories…"
              maxLength={500}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="memory-show-retired"
              checked={includeRetired}
              onChange={(e) => setIncludeRetired(e.target.checked)}
            />
            Show retired
          </label>
        </div>
        {list.status === 'error' && (
          <div className="inline-error memory-list-error" role="alert">
            <span>Memories did not load: {list.error}</span>
            <button
              type="button"
              className="button button-small"
              onClick={() => void loadMemories(list.query, list.includeRetired)}
            >
              Try again
            </button>
          </div>
        )}
        {list.status === 'ready' && list.items.length === 0 && (
          <div className="empty-state memory-empty">
            <Brain size={22} aria-hidden className="empty-state-icon" />
            {filtered ? (
              <p>No memory matches “{list.query}”.</p>
            ) : (
              <>
                <h2>Nothing remembered yet</h2>
                <p>
                  As you chat, Cell 0 keeps the facts, preferences and plans worth remembering. You can also
                  add one yourself.
                </p>
              </>
            )}
          </div>
        )}
        <ul className="memory-list" aria-label="Memories" aria-busy={list.status === 'loading'}>
          {list.items.map((m) => (
            <MemoryItem key={m.id} memory={m} />
          ))}
        </ul>
        {list.status === 'loading' && list.items.length === 0 && <p className="muted">Loading memories…</p>}
        {more > 0 && list.status !== 'error' && (
          <button
            type="button"
            className="button memory-load-more"
            data-testid="memory-load-more"
            disabled={list.status === 'loading'}
            onClick={() => void loadMoreMemories()}
          >
            {list.status === 'loading' ? 'Loading…' : `Load more (${more} more)`}
          </button>
        )}
        <ForgetTopic />
      </div>
    </section>
  );
}
