import type { LogWarningsFunction, Warning } from 'ai';
import type { Logger } from '../base/logger.js';

function describeWarning(warning: Warning): string {
  if (warning.type === 'other') return warning.message;
  const what =
    warning.type === 'unsupported'
      ? `“${warning.feature}” is not supported`
      : `“${warning.feature}” runs in a compatibility mode`;
  return warning.details ? `${what}: ${warning.details}` : what;
}

/**
 * The AI SDK prints every call's warnings to the console, so the memory daemon repeated the same
 * "responseFormat is not supported" at every extraction. This routes them (a process-wide hook of
 * the SDK) to the logger, each warning once per provider and model. Returns the undo.
 */
export function routeSdkWarnings(logger: Logger): () => void {
  const seen = new Set<string>();
  const previous = globalThis.AI_SDK_LOG_WARNINGS;
  const route: LogWarningsFunction = ({ warnings, provider, model }) => {
    for (const warning of warnings) {
      const text = describeWarning(warning);
      const key = `${provider}\u0000${model}\u0000${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      logger.warn(`model warning (${provider} / ${model}): ${text}`);
    }
  };
  globalThis.AI_SDK_LOG_WARNINGS = route;
  return () => {
    if (globalThis.AI_SDK_LOG_WARNINGS === route) globalThis.AI_SDK_LOG_WARNINGS = previous;
  };
}
