import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  useStore,
  type Rect,
  type NodeTypes,
  type EdgeTypes,
} from '@xyflow/react';
import { useEffect, useMemo, useRef } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import { AgentNode, type AgentNodeType } from './AgentNode.js';
import { attachBeat } from './flow-beat.js';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './graph-layout.js';
import { SwarmEdge, type SwarmEdgeType } from './SwarmEdge.js';

const nodeTypes: NodeTypes = { agent: AgentNode };
const edgeTypes: EdgeTypes = { swarm: SwarmEdge };
const proOptions = { hideAttribution: true };
const ariaLabelConfig = { 'controls.ariaLabel': 'Graph zoom controls' };

/**
 * Fits the whole graph in view when agents are added (not on every event: the view stays put).
 * Fits the laid-out bounds, not measured nodes: off-screen nodes are not rendered, so never
 * measured. Waits for the pane to have a size (it is measured after the first paint).
 */
function FitOnGrowth({ bounds }: { bounds: Rect | null }) {
  const flow = useReactFlow();
  // The pane's size as one string (compared by value): a pane that grows or shrinks (the run's
  // header changing when it ends, a resized window) fits the graph again.
  const size = useStore((s) => (s.width > 0 && s.height > 0 ? `${s.width}x${s.height}` : ''));
  useEffect(() => {
    if (size && bounds) void flow.fitBounds(bounds, { padding: 0.08 });
  }, [bounds, size, flow]);
  return null;
}

function boundsOf(positions: Map<string, { x: number; y: number }>): Rect | null {
  if (positions.size === 0) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positions.values()) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + NODE_WIDTH);
    maxY = Math.max(maxY, p.y + NODE_HEIGHT);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

interface Props {
  stateKey: string;
  runId: string;
  live: boolean;
  label: string;
}

/** The agents of a run as a graph, laid out again only when agents or edges are added. */
export function SwarmGraph({ stateKey, runId, live, label }: Props) {
  const structure = useSwarms((s) => s.states[stateKey]?.structure ?? 0);
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => (container.current ? attachBeat(container.current) : undefined), []);
  const { nodes, edges, bounds } = useMemo(() => {
    const state = useSwarms.getState().states[stateKey];
    if (!state || structure === 0) {
      return { nodes: [] as AgentNodeType[], edges: [] as SwarmEdgeType[], bounds: null };
    }
    const positions = layoutGraph(state);
    const nodes: AgentNodeType[] = state.order.map((agentId) => ({
      id: agentId,
      type: 'agent',
      position: positions.get(agentId)!,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      data: { stateKey, runId, agentId, live },
    }));
    const edges: SwarmEdgeType[] = state.edgeOrder.map((edgeId) => {
      const e = state.edges[edgeId]!;
      return {
        id: edgeId,
        source: e.from,
        target: e.to,
        type: 'swarm',
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        data: { stateKey, edgeId },
      };
    });
    return { nodes, edges, bounds: boundsOf(positions) };
  }, [stateKey, runId, live, structure]);

  return (
    <div
      ref={container}
      className="swarm-graph"
      data-testid="swarm-graph"
      data-agents={nodes.length}
      role="region"
      aria-label={label}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        onNodeClick={(_, node) => useSwarms.getState().selectAgent(stateKey, node.id)}
        onlyRenderVisibleElements
        minZoom={0.05}
        maxZoom={1.25}
        proOptions={proOptions}
        ariaLabelConfig={ariaLabelConfig}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        <FitOnGrowth bounds={bounds} />
      </ReactFlow>
      {nodes.length === 0 && <p className="swarm-graph-empty muted">The coordinator is about to start…</p>}
    </div>
  );
}
