import { History, Pause, Play, RotateCcw, X } from 'lucide-react';
import { useId } from 'react';
import { useSwarms } from '../../stores/swarms.js';
import {
  closeReplay,
  pauseReplay,
  playReplay,
  restartReplay,
  seekReplay,
  setReplaySpeed,
  startReplay,
} from './replay-player.js';
import { REPLAY_SPEEDS, replayBounds } from './replay-model.js';
import { formatDuration } from './swarm-format.js';

/** Replays a finished run on the graph with its original timing: speed, scrub, restart. */
export function ReplayBar({ runId }: { runId: string }) {
  const replay = useSwarms((s) => (s.replay?.runId === runId ? s.replay : null));
  const id = useId();
  if (!replay) {
    return (
      <div className="swarm-replay">
        <button
          type="button"
          className="button button-small"
          data-testid="swarm-replay"
          onClick={() => void startReplay(runId)}
        >
          <History size={13} aria-hidden />
          Replay
        </button>
      </div>
    );
  }
  const { start, end } = replayBounds(replay.events);
  const finished = replay.status === 'ready' && replay.index >= replay.events.length;
  return (
    <div
      className="swarm-replay active"
      data-testid="swarm-replay-bar"
      data-status={replay.status}
      data-playing={replay.playing ? 'true' : 'false'}
      data-finished={finished ? 'true' : 'false'}
      role="group"
      aria-label="Replay"
    >
      {replay.playing ? (
        <button type="button" className="icon-button" aria-label="Pause the replay" onClick={pauseReplay}>
          <Pause size={14} aria-hidden />
        </button>
      ) : (
        <button
          type="button"
          className="icon-button"
          aria-label="Play the replay"
          disabled={replay.status !== 'ready'}
          onClick={playReplay}
        >
          <Play size={14} aria-hidden />
        </button>
      )}
      <button
        type="button"
        className="icon-button"
        data-testid="swarm-replay-restart"
        aria-label="Restart the replay"
        disabled={replay.status !== 'ready'}
        onClick={restartReplay}
      >
        <RotateCcw size={14} aria-hidden />
      </button>
      <label className="sr-only" htmlFor={`${id}-scrub`}>
        Replay position
      </label>
      <input
        id={`${id}-scrub`}
        type="range"
        className="swarm-replay-scrub"
        data-testid="swarm-replay-scrub"
        min={start}
        max={Math.max(end, start + 1)}
        step={50}
        value={replay.at}
        disabled={replay.status !== 'ready'}
        aria-valuetext={`${formatDuration(replay.at - start)} of ${formatDuration(end - start)}`}
        onChange={(e) => seekReplay(Number(e.target.value))}
      />
      <span className="swarm-replay-time mono">
        {formatDuration(Math.max(0, replay.at - start))} / {formatDuration(end - start)}
      </span>
      <div className="swarm-replay-speeds" role="radiogroup" aria-label="Replay speed">
        {REPLAY_SPEEDS.map((speed) => (
          <button
            key={speed}
            type="button"
            role="radio"
            aria-checked={replay.speed === speed}
            className={replay.speed === speed ? 'chip selected' : 'chip'}
            data-testid={`swarm-replay-speed-${speed}`}
            onClick={() => setReplaySpeed(speed)}
          >
            {speed}×
          </button>
        ))}
      </div>
      {replay.error && (
        <span className="inline-error" role="alert">
          {replay.error}
        </span>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label="Close the replay"
        data-testid="swarm-replay-close"
        onClick={closeReplay}
      >
        <X size={14} aria-hidden />
      </button>
    </div>
  );
}
