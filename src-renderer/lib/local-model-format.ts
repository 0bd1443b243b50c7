import type { DownloadProgress, LocalModel } from '../../src-main/core/protocol/index.js';

/** Bytes for people: "491 MB", "1.1 GB" (decimal, as download sizes are quoted). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** "220 MB of 491 MB · 12 MB/s · 22 s left" (the parts that are known). */
export function progressText(p: DownloadProgress): string {
  const parts = [
    p.totalBytes
      ? `${formatBytes(p.receivedBytes)} of ${formatBytes(p.totalBytes)}`
      : formatBytes(p.receivedBytes),
  ];
  if (p.bytesPerSecond > 0) parts.push(`${formatBytes(p.bytesPerSecond)}/s`);
  if (p.secondsLeft !== null && p.secondsLeft > 0) parts.push(`${formatSeconds(p.secondsLeft)} left`);
  return parts.join(' · ');
}

/** The state of a model in a word or two, as a row shows it. */
export function stateLabel(model: LocalModel): string {
  switch (model.state) {
    case 'downloading':
      return model.progress?.totalBytes
        ? `Downloading ${Math.floor((model.progress.receivedBytes / model.progress.totalBytes) * 100)}%`
        : 'Downloading';
    case 'paused':
      return 'Paused';
    case 'verifying':
      return 'Checking…';
    case 'failed':
      return 'Failed';
    case 'ready':
      if (model.runtime.state === 'loaded') return 'Loaded';
      if (model.runtime.state === 'loading') return 'Loading…';
      return 'Ready';
  }
}
