import { Graph, layout } from '@dagrejs/dagre';
import type { SwarmRunState } from './swarm-state.js';

export const NODE_WIDTH = 212;
export const NODE_HEIGHT = 104;

/**
 * Top-left positions of the agents, laid out top to bottom by who delegates to whom and who waits
 * on whom. Called only when agents or edges are added (the state's `structure`), never per event.
 */
export function layoutGraph(state: SwarmRunState): Map<string, { x: number; y: number }> {
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of state.order) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const id of state.edgeOrder) {
    const edge = state.edges[id]!;
    // Message edges (rare: agents that talk without a plan link) do not shape the layout.
    if (edge.kind !== 'message') g.setEdge(edge.from, edge.to);
  }
  layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of state.order) {
    const n = g.node(id);
    positions.set(id, { x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 });
  }
  return positions;
}
