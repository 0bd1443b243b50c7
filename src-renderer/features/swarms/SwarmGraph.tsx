import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  type NodeTypes,
  type EdgeTypes,
} from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import { AgentNode, type AgentNodeType } from './AgentNode.js';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './graph-layout.js';
import { SwarmEdge, type SwarmEdgeType } from './SwarmEdge.js';

const nodeTypes: NodeTypes = { agent: AgentNode };
const edgeTypes: EdgeTypes = { swarm: SwarmEdge };
const proOptions = { hideAttribution: true };
const ariaLabelConfig = { 'controls.ariaLabel': 'Graph zoom controls' };

/**
 * Fits the whole graph in view when agents are added (not on every event: the view stays put).
 * Nodes carry their size, so this needs no measuring, and works with off-screen nodes unrendered.
 */
function FitOnGrowth({ structure }: { structure: number }) {
  const flow = useReactFlow();
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.12, maxZoom: 1 }));
    return () => cancelAnimationFrame(frame);
  }, [structure, flow]);
  return null;
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
  const { nodes, edges } = useMemo(() => {
    const state = useSwarms.getState().states[stateKey];
    if (!state || structure === 0) return { nodes: [] as AgentNodeType[], edges: [] as SwarmEdgeType[] };
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
    return { nodes, edges };
  }, [stateKey, runId, live, structure]);

  return (
    <div
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
        maxZoom={1.5}
        fitView
        proOptions={proOptions}
        ariaLabelConfig={ariaLabelConfig}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        <FitOnGrowth structure={structure} />
      </ReactFlow>
      {nodes.length === 0 && <p className="swarm-graph-empty muted">The coordinator is about to start…</p>}
    </div>
  );
}
