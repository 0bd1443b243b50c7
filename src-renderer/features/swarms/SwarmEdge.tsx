import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import { ACTIVE_AGENT } from './swarm-state.js';

export interface SwarmEdgeData extends Record<string, unknown> {
  stateKey: string;
  edgeId: string;
}

export type SwarmEdgeType = Edge<SwarmEdgeData, 'swarm'>;

/**
 * Delegation, dependency, review or message. Dashes run while the target agent works; each message
 * along it replays a one-off pulse (keyed by the message count), so no timer has to clear it.
 */
export const SwarmEdge = memo(function SwarmEdge(props: EdgeProps<SwarmEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd } = props;
  const stateKey = data?.stateKey ?? '';
  const edgeId = data?.edgeId ?? '';
  const edge = useSwarms((s) => s.states[stateKey]?.edges[edgeId]);
  const flowing = useSwarms((s) => {
    const e = s.states[stateKey]?.edges[edgeId];
    const target = e ? s.states[stateKey]?.agents[e.to]?.agent.status : undefined;
    return target !== undefined && ACTIVE_AGENT.has(target);
  });
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const kind = edge?.kind ?? 'message';
  return (
    <>
      <BaseEdge
        path={path}
        {...(markerEnd ? { markerEnd } : {})}
        className={`swarm-edge swarm-edge-${kind}${flowing ? ' flowing' : ''}`}
      />
      {edge && edge.messages > 0 && (
        <path key={edge.messages} d={path} className="swarm-edge-pulse" fill="none" aria-hidden />
      )}
    </>
  );
});
