import type { SearchHit } from '../../../src-main/core/protocol/index.js';

export interface HitGroup {
  conversationId: string;
  title: string;
  /** Each hit with its position in the flat order the arrow keys walk. */
  hits: { hit: SearchHit; position: number }[];
}

/**
 * Groups hits by conversation in the order the core ranked them (a group sits where its best hit
 * was), and numbers them in the order they are shown, so the keyboard walks what the eye sees.
 */
export function groupHits(hits: readonly SearchHit[]): { groups: HitGroup[]; flat: SearchHit[] } {
  const byId = new Map<string, HitGroup>();
  const groups: HitGroup[] = [];
  for (const hit of hits) {
    let group = byId.get(hit.conversationId);
    if (!group) {
      group = { conversationId: hit.conversationId, title: hit.conversationTitle, hits: [] };
      byId.set(hit.conversationId, group);
      groups.push(group);
    }
    group.hits.push({ hit, position: -1 });
  }
  const flat: SearchHit[] = [];
  for (const group of groups) {
    for (const entry of group.hits) {
      entry.position = flat.length;
      flat.push(entry.hit);
    }
  }
  return { groups, flat };
}
