import { useEffect, useId, useState } from 'react';
import type { Conversation } from '../../../src-main/core/protocol/index.js';
import { errorMessage } from '../../lib/client.js';
import { buildModelOptions, describeModelRef, modelRefKey, parseModelRefKey } from '../../lib/model-ref.js';
import { useConversations } from '../../stores/conversations.js';
import { selectProviders, useSettings } from '../../stores/settings.js';
import { ensureAllProviderModels } from '../settings/actions.js';
import { client } from '../../app/client-instance.js';

export const FOLLOW_DEFAULT = 'default';

/**
 * Which model answers this conversation. A switch applies to the next reply; earlier replies keep
 * the model that wrote them.
 */
export function ModelPicker({ conversation }: { conversation: Conversation }) {
  const providers = useSettings(selectProviders);
  const lists = useSettings((s) => s.models);
  const defaultModel = useSettings((s) => s.snapshot?.defaultModel ?? null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = useId();
  const own = conversation.modelRef;

  // Lists are cached per provider, so this costs one request per provider per session.
  useEffect(() => {
    ensureAllProviderModels();
  }, [providers]);

  if (providers.length === 0) return null;

  const groups = buildModelOptions(providers, lists, [defaultModel, own]);
  const orphan = own && !providers.some((p) => p.id === own.providerId) ? own : null;

  async function choose(value: string): Promise<void> {
    const modelRef = value === FOLLOW_DEFAULT ? null : parseModelRefKey(value);
    if (value !== FOLLOW_DEFAULT && !modelRef) return;
    setSaving(true);
    setError(null);
    try {
      const updated = await client().call('conversations.setModel', { id: conversation.id, modelRef });
      useConversations.getState().upsert(updated);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="model-picker">
      <label htmlFor={id} className="sr-only">
        Model for this conversation
      </label>
      <select
        id={id}
        data-testid="model-picker"
        className="select select-quiet"
        value={own ? modelRefKey(own) : FOLLOW_DEFAULT}
        disabled={saving}
        title="Model for this conversation"
        onChange={(e) => void choose(e.target.value)}
      >
        <option value={FOLLOW_DEFAULT}>
          {defaultModel ? `Default · ${describeModelRef(defaultModel, providers)}` : 'Default (none set)'}
        </option>
        {orphan && (
          <option value={modelRefKey(orphan)} disabled>
            {orphan.model} (provider removed)
          </option>
        )}
        {groups.map((g) => (
          <optgroup key={g.providerId} label={g.note ? `${g.label} (${g.note})` : g.label}>
            {g.options.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {error && (
        <span className="model-picker-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
