import type { Logger } from '../../src-main/core/base/logger.js';

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  detail: unknown;
}

/** A Logger that keeps every line it is given, for tests that check what was logged. */
export function recordingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: LoggedLine['level']) =>
    (message: string, detail?: unknown): void => {
      lines.push({ level, message, detail });
    };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}
