import { useEffect } from 'react';
import { useMemory } from '../../stores/memory.js';
import { useMessages } from '../../stores/messages.js';
import { loadUsedBy } from './actions.js';
import { UsedMemoryList, usedLabel } from './UsedMemoryList.js';

/** How far back from the end to look for the latest reply (a user message may follow it). */
const LOOK_BACK = 4;

/** The inspector's "Memories used": what the latest reply of the open conversation recalled. */
export function InspectorMemories() {
  const latestId = useMessages((s) => {
    for (let i = s.total - 1; i >= Math.max(0, s.total - LOOK_BACK); i--) {
      const m = s.cache.get(i);
      if (m?.role === 'assistant' && m.status !== 'streaming') return m.id;
    }
    return null;
  });
  const entry = useMemory((s) => (latestId ? s.used[latestId] : undefined));

  useEffect(() => {
    if (latestId) void loadUsedBy(latestId);
  }, [latestId]);

  if (!latestId)
    return <p className="muted inspector-note">After a reply, the memories it used appear here.</p>;
  if (!entry || entry.status === 'loading') return <p className="muted inspector-note">Loading…</p>;
  if (entry.status === 'error') {
    return (
      <p className="inline-error inspector-note" role="alert">
        Could not load them: {entry.error}
      </p>
    );
  }
  if (entry.memories.length === 0)
    return <p className="muted inspector-note">The latest reply used no memories.</p>;
  return (
    <>
      <p className="muted inspector-note">{usedLabel(entry.memories.length)} for the latest reply:</p>
      <UsedMemoryList memories={entry.memories} itemTestId="inspector-memory-item" />
    </>
  );
}
