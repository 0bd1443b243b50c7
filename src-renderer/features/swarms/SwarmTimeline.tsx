import { memo, useMemo, type CSSProperties } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import { AGENT_STATUS, formatDuration } from './swarm-format.js';
import { ENDED_RUN, laneWaits, type AgentView, type TimelineSegment } from './swarm-state.js';
import { timelineSpan } from './timeline-scale.js';
import { useBeatState } from './use-beat-state.js';
import { useNow } from './use-now.js';

const PHASE_LABEL = { waiting: 'waiting', working: 'working', permission: 'waiting for permission' } as const;

interface Range {
  start: number;
  span: number;
}

const pct = (range: Range, t: number) => `${(((t - range.start) / range.span) * 100).toFixed(3)}%`;

/**
 * The run over time, one lane per agent: waiting, working and waiting-for-permission stretches,
 * how it ended, and whom each wait was for.
 */
export function SwarmTimeline({ stateKey, live }: { stateKey: string; live: boolean }) {
  // Once a second, with the clock its open stretches grow by: redrawing 200 lanes costs a frame.
  const state = useBeatState(stateKey, 4);
  const startedAt = state?.startedAt ?? null;
  const endedAt = state?.endedAt ?? null;
  const running = !!state && !ENDED_RUN.has(state.status);
  // Live, open stretches grow with a one-second clock; a replay's clock is its last event.
  const now = useNow(live && running, state?.lastAt ?? 0);
  const elapsed = startedAt === null ? 0 : Math.max(0, (endedAt ?? now) - startedAt);
  // A finished run fills the width; a running one grows into a scale that steps up now and
  // then, so finished stretches stay put and only the open ones grow (through --now).
  const span = endedAt !== null ? Math.max(1000, elapsed) : timelineSpan(elapsed);
  const range = useMemo<Range>(() => ({ start: startedAt ?? 0, span }), [startedAt, span]);
  if (!state || state.order.length === 0 || startedAt === null) return null;
  const nowPct = `${Math.min(100, (elapsed / span) * 100).toFixed(3)}%`;
  return (
    <section
      className="swarm-timeline"
      data-testid="swarm-timeline"
      aria-label="Timeline of the run"
      style={{ '--now': nowPct } as CSSProperties}
    >
      <div className="swarm-timeline-scale" aria-hidden>
        <span>0 s</span>
        <span>{formatDuration(range.span)}</span>
      </div>
      <ol className="swarm-lanes">
        {state.order.map((id) => (
          <Lane
            key={id}
            stateKey={stateKey}
            agentId={id}
            view={state.agents[id]!}
            waits={laneWaits(state, id)}
            range={range}
          />
        ))}
      </ol>
    </section>
  );
}

const Lane = memo(function Lane(props: {
  stateKey: string;
  agentId: string;
  view: AgentView;
  /** laneWaits: per segment, whom it waited on. */
  waits: string;
  range: Range;
}) {
  const { stateKey, agentId, view, range } = props;
  const waits = props.waits.split('\n');
  const { agent } = view;
  return (
    <li className="swarm-lane" data-testid="swarm-lane" data-agent-id={agentId} data-status={agent.status}>
      <button
        type="button"
        className="swarm-lane-label"
        title={agent.title}
        onClick={() => useSwarms.getState().selectAgent(stateKey, agentId)}
      >
        {agent.title}
      </button>
      <div className="swarm-lane-track">
        {view.segments.map((seg, i) => (
          <Segment key={i} seg={seg} on={waits[i] ?? ''} range={range} />
        ))}
        {agent.endedAt !== null && (
          <span
            className={`swarm-lane-end swarm-lane-end-${agent.status}`}
            data-testid="swarm-lane-end"
            style={{ left: pct(range, agent.endedAt) }}
            title={`${AGENT_STATUS[agent.status].label} at ${formatDuration(agent.endedAt - range.start)}`}
          >
            <span className="sr-only">{AGENT_STATUS[agent.status].label}</span>
          </span>
        )}
      </div>
    </li>
  );
});

function Segment(props: { seg: TimelineSegment; on: string; range: Range }) {
  const { seg, on, range } = props;
  const what = on !== '' ? `waiting on ${on}` : PHASE_LABEL[seg.phase];
  const from = formatDuration(seg.start - range.start);
  const label =
    seg.end === null
      ? `${what} since ${from}`
      : `${what}, ${from} to ${formatDuration(seg.end - range.start)}`;
  const left = pct(range, seg.start);
  return (
    <span
      className={`swarm-seg swarm-seg-${seg.phase}`}
      data-testid="swarm-segment"
      data-phase={seg.phase}
      style={{
        left,
        // An open stretch reaches "now", which the timeline sets once a second for all lanes.
        width:
          seg.end === null
            ? `calc(var(--now) - ${left})`
            : pct({ start: 0, span: range.span }, seg.end - seg.start),
      }}
      title={label}
    >
      {on !== '' && (
        <span className="swarm-seg-on" data-testid="swarm-waited-on">
          ← {on}
        </span>
      )}
      <span className="sr-only">{label}</span>
    </span>
  );
}
