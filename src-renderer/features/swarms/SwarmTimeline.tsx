import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useSwarms } from '../../stores/swarms.js';
import { AGENT_STATUS, formatDuration } from './swarm-format.js';
import { ENDED_RUN, waitedOn, type SwarmRunState, type TimelineSegment } from './swarm-state.js';

/** Per segment, the titles of whom it waited on ('' for none): a lane re-renders only when these change. */
function laneWaits(state: SwarmRunState | undefined, agentId: string): string[] {
  const view = state?.agents[agentId];
  if (!state || !view) return [];
  return view.segments.map((seg) =>
    waitedOn(state, agentId, seg)
      .map((id) => state.agents[id]!.agent.title)
      .join(', '),
  );
}
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
  const order = useSwarms((s) => s.states[stateKey]?.order);
  const startedAt = useSwarms((s) => s.states[stateKey]?.startedAt ?? null);
  const endedAt = useSwarms((s) => s.states[stateKey]?.endedAt ?? null);
  // Live, the lanes move with a one-second clock, not with each event (dozens a second);
  // a replay's clock is its last event, in half-second steps.
  const lastAt = useSwarms((s) => (live ? 0 : Math.ceil((s.states[stateKey]?.lastAt ?? 0) / 500) * 500));
  const running = useSwarms((s) => {
    const st = s.states[stateKey];
    return !!st && !ENDED_RUN.has(st.status);
  });
  const now = useNow(live && running, lastAt);
  const end = endedAt ?? (startedAt === null ? 0 : Math.max(now, startedAt));
  const span = startedAt === null ? 0 : Math.max(1000, end - startedAt);
  const range = useMemo<Range>(() => ({ start: startedAt ?? 0, span }), [startedAt, span]);
  if (!order || order.length === 0 || startedAt === null) return null;
  return (
    <section className="swarm-timeline" data-testid="swarm-timeline" aria-label="Timeline of the run">
      <div className="swarm-timeline-scale" aria-hidden>
        <span>0 s</span>
        <span>{formatDuration(range.span)}</span>
      </div>
      <ol className="swarm-lanes">
        {order.map((id) => (
          <Lane key={id} stateKey={stateKey} agentId={id} range={range} end={end} />
        ))}
      </ol>
    </section>
  );
}

const Lane = memo(function Lane(props: { stateKey: string; agentId: string; range: Range; end: number }) {
  const { stateKey, agentId, range, end } = props;
  const view = useSwarms((s) => s.states[stateKey]?.agents[agentId]);
  const waits = useSwarms(useShallow((s) => laneWaits(s.states[stateKey], agentId)));
  if (!view) return null;
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
          <Segment key={i} seg={seg} on={waits[i] ?? ''} range={range} end={end} />
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

function Segment(props: { seg: TimelineSegment; on: string; range: Range; end: number }) {
  const { seg, on, range, end } = props;
  const segEnd = seg.end ?? end;
  const what = on !== '' ? `waiting on ${on}` : PHASE_LABEL[seg.phase];
  const label = `${what}, ${formatDuration(seg.start - range.start)} to ${formatDuration(segEnd - range.start)}`;
  return (
    <span
      className={`swarm-seg swarm-seg-${seg.phase}`}
      data-testid="swarm-segment"
      data-phase={seg.phase}
      style={{ left: pct(range, seg.start), width: pct({ start: 0, span: range.span }, segEnd - seg.start) }}
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
