import {
  Ban,
  Check,
  CircleAlert,
  Clock,
  Crown,
  Hourglass,
  Loader,
  RotateCcw,
  SearchCheck,
  ShieldQuestion,
  Wrench,
  User,
  type LucideIcon,
} from 'lucide-react';
import type {
  SwarmAgentRole,
  SwarmAgentStatus,
  SwarmRunStatus,
} from '../../../src-main/core/protocol/index.js';
import { pluralWord } from '../../lib/plural.js';

/** Status is never colour alone: each has a word and an icon too. */
export const AGENT_STATUS: Record<SwarmAgentStatus, { label: string; icon: LucideIcon }> = {
  waiting: { label: 'Waiting', icon: Hourglass },
  thinking: { label: 'Thinking', icon: Loader },
  tool: { label: 'Using a tool', icon: Wrench },
  permission: { label: 'Needs permission', icon: ShieldQuestion },
  retrying: { label: 'Retrying', icon: RotateCcw },
  done: { label: 'Done', icon: Check },
  failed: { label: 'Failed', icon: CircleAlert },
  stopped: { label: 'Stopped', icon: Ban },
};

export const ROLE: Record<SwarmAgentRole, { label: string; icon: LucideIcon }> = {
  coordinator: { label: 'Coordinator', icon: Crown },
  worker: { label: 'Worker', icon: User },
  reviewer: { label: 'Reviewer', icon: SearchCheck },
};

export const RUN_STATUS: Record<SwarmRunStatus, { label: string; icon: LucideIcon }> = {
  planning: { label: 'Planning', icon: Loader },
  running: { label: 'Running', icon: Loader },
  paused: { label: 'Paused', icon: Clock },
  reviewing: { label: 'Reviewing', icon: SearchCheck },
  done: { label: 'Done', icon: Check },
  failed: { label: 'Failed', icon: CircleAlert },
  stopped: { label: 'Stopped', icon: Ban },
};

/** "3/5 agents done", "1/1 agent done". */
export function agentsDone(done: number, total: number): string {
  return `${done}/${total} ${pluralWord(total, 'agent')} done`;
}

/** "4 s", "2 m 05 s", "1 h 02 m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

/** "1.2k" for node corners, where space is short. */
export function formatCompact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
