import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { effectiveModelRef } from '../../lib/model-ref.js';
import { useLocalModels } from '../../stores/local-models.js';
import { useSettings } from '../../stores/settings.js';
import { LOCAL_PROVIDER } from './actions.js';

/**
 * Said in the conversation when its model runs on this computer and its chat template has no
 * function calling: the agent gets no tools for it, and the owner should know why.
 */
export function ToolsOffNotice({ conversation }: { conversation: Conversation }) {
  const defaultModel = useSettings((s) => s.snapshot?.defaultModel ?? null);
  const ref = effectiveModelRef(conversation, defaultModel);
  const model = useLocalModels((s) => (ref?.providerId === LOCAL_PROVIDER ? s.models[ref.model] : undefined));
  if (!model || model.supportsTools !== false) return null;
  return (
    <p className="tools-off-notice" role="note" data-testid="tools-off-notice">
      Tools are off for {model.label || model.name}: its chat template has no function calling, so it can only
      talk. Pick a model that calls tools to let the agent work.
    </p>
  );
}
