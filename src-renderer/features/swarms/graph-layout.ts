import { Graph, layout } from '@dagrejs/dagre';
import type { SwarmRunState } from './swarm-state.js';

export const NODE_WIDTH = 212;
export const NODE_HEIGHT = 104;
/** A rank wider than this wraps into rows, so 200 parallel workers stay a readable block. */
export const MAX_PER_ROW = 12;
const GAP_X = 24;
const GAP_Y = 28;
const RANK_GAP = 56;

type Position = { x: number; y: number };

/**
 * Top-left positions of the agents, laid out top to bottom by who delegates to whom and who waits
 * on whom. Called only when agents or edges are added (the state's `structure`), never per event.
 */
export function layoutGraph(state: SwarmRunState): Map<string, Position> {
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: GAP_X, ranksep: RANK_GAP, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of state.order) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const id of state.edgeOrder) {
    const edge = state.edges[id]!;
    // Message edges (rare: agents that talk without a plan link) do not shape the layout.
    if (edge.kind !== 'message') g.setEdge(edge.from, edge.to);
  }
  layout(g);
  const centres = new Map<string, Position>();
  for (const id of state.order) {
    const n = g.node(id);
    centres.set(id, { x: n.x, y: n.y });
  }
  return wrapWideRanks(centres);
}

/** Dagre puts a rank on one line; ranks of more than MAX_PER_ROW become centred rows. */
export function wrapWideRanks(centres: Map<string, Position>): Map<string, Position> {
  const ranks = new Map<number, string[]>();
  for (const [id, p] of centres) {
    const rank = Math.round(p.y);
    const ids = ranks.get(rank);
    if (ids) ids.push(id);
    else ranks.set(rank, [id]);
  }
  const out = new Map<string, Position>();
  let shift = 0;
  for (const rank of [...ranks.keys()].sort((a, b) => a - b)) {
    const ids = ranks.get(rank)!.sort((a, b) => centres.get(a)!.x - centres.get(b)!.x);
    if (ids.length <= MAX_PER_ROW) {
      for (const id of ids) {
        const c = centres.get(id)!;
        out.set(id, { x: c.x - NODE_WIDTH / 2, y: c.y + shift - NODE_HEIGHT / 2 });
      }
      continue;
    }
    const rowWidth = MAX_PER_ROW * NODE_WIDTH + (MAX_PER_ROW - 1) * GAP_X;
    // Centred where dagre centred the rank, under whoever spawned it.
    const midX = ids.reduce((sum, id) => sum + centres.get(id)!.x, 0) / ids.length;
    const left = midX - rowWidth / 2;
    ids.forEach((id, i) => {
      const row = Math.floor(i / MAX_PER_ROW);
      const col = i % MAX_PER_ROW;
      out.set(id, {
        x: left + col * (NODE_WIDTH + GAP_X),
        y: rank + shift - NODE_HEIGHT / 2 + row * (NODE_HEIGHT + GAP_Y),
      });
    });
    shift += (Math.ceil(ids.length / MAX_PER_ROW) - 1) * (NODE_HEIGHT + GAP_Y);
  }
  return out;
}
