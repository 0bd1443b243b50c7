/** A small leveled logger to stderr; secrets never reach it because no caller passes one. */
export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

function describe(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` — ${detail.stack ?? detail.message}`;
  return ` — ${String(detail)}`;
}

export function createLogger(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const log = (level: string) => (message: string, detail?: unknown) =>
    write(`${new Date().toISOString()} ${level} ${message}${describe(detail)}`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
