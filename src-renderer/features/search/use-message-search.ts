import { useEffect, useState } from 'react';
import type { SearchHit } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';

export const SEARCH_DELAY_MS = 150;
const SEARCH_LIMIT = 60;

export interface MessageSearch {
  status: 'idle' | 'searching' | 'ready' | 'error';
  /** While a new query is searched, the previous hits stay on screen instead of flashing away. */
  hits: SearchHit[];
  error: string | null;
}

interface Answer {
  query: string;
  hits: SearchHit[];
  error: string | null;
}

/**
 * Searches as the person types: waits for a pause, and an answer that arrives after the query
 * changed is dropped (the effect's cleanup marks it stale), so results never go backwards.
 */
export function useMessageSearch(query: string): MessageSearch {
  const q = query.trim();
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    if (q === '') return;
    let stale = false;
    const timer = setTimeout(() => {
      client()
        .call('search.messages', { query: q, limit: SEARCH_LIMIT })
        .then(
          ({ hits }) => {
            if (!stale) setAnswer({ query: q, hits, error: null });
          },
          (err: unknown) => {
            if (!stale) setAnswer({ query: q, hits: [], error: errorMessage(err) });
          },
        );
    }, SEARCH_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [q]);

  if (q === '') return { status: 'idle', hits: [], error: null };
  if (!answer || answer.query !== q) return { status: 'searching', hits: answer?.hits ?? [], error: null };
  if (answer.error !== null) return { status: 'error', hits: [], error: answer.error };
  return { status: 'ready', hits: answer.hits, error: null };
}
