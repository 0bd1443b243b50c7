import { getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import { pulse } from './flow-beat.js';
import { ACTIVE_AGENT } from './swarm-state.js';

export interface SwarmEdgeData extends Record<string, unknown> {
  stateKey: string;
  edgeId: string;
}

export type SwarmEdgeType = Edge<SwarmEdgeData, 'swarm'>;

/**
 * Delegation, dependency, review or message. While the target agent works its dashes march;
 * each message flashes it (both on the graph's shared beat, see flow-beat.ts).
 */
export const SwarmEdge = memo(function SwarmEdge(props: EdgeProps<SwarmEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd } = props;
  const stateKey = data?.stateKey ?? '';
  const edgeId = data?.edgeId ?? '';
  const kind = useSwarms((s) => s.states[stateKey]?.edges[edgeId]?.kind ?? 'message');
  const messages = useSwarms((s) => s.states[stateKey]?.edges[edgeId]?.messages ?? 0);
  const flowing = useSwarms((s) => {
    const e = s.states[stateKey]?.edges[edgeId];
    const target = e ? s.states[stateKey]?.agents[e.to]?.agent.status : undefined;
    return target !== undefined && ACTIVE_AGENT.has(target);
  });
  const ref = useRef<SVGPathElement>(null);
  useEffect(() => {
    if (messages > 0 && ref.current) pulse(ref.current);
  }, [messages]);
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  // A plain path rather than BaseEdge: the graph is read-only, so no wide hit area is needed.
  return (
    <path
      ref={ref}
      d={path}
      fill="none"
      markerEnd={markerEnd}
      className={`react-flow__edge-path swarm-edge swarm-edge-${kind}${flowing ? ' flowing' : ''}`}
      data-testid="swarm-edge"
      data-kind={kind}
      data-flowing={flowing ? 'true' : undefined}
    />
  );
});
