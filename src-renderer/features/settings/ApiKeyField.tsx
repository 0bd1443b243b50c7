import { KeyRound } from 'lucide-react';
import { useId } from 'react';
import type { KeyMode } from './provider-form-model.js';

interface Props {
  hasStoredKey: boolean;
  keyMode: KeyMode;
  apiKey: string;
  /** Placeholder for a new key, e.g. "sk-…" or a note that local servers need none. */
  placeholder: string;
  testId: string;
  onKeyMode(mode: KeyMode): void;
  onApiKey(value: string): void;
}

/** The key is write-only: a stored one is never shown, only kept, replaced or removed. */
export function ApiKeyField({
  hasStoredKey,
  keyMode,
  apiKey,
  placeholder,
  testId,
  onKeyMode,
  onApiKey,
}: Props) {
  const ids = { input: useId(), help: useId() };
  return (
    <div className="field">
      <label htmlFor={ids.input}>API key</label>
      {hasStoredKey && keyMode === 'keep' && (
        <div className="key-stored">
          <KeyRound size={15} aria-hidden />
          <span>A key is stored in your system keychain.</span>
          <button type="button" className="button button-small" onClick={() => onKeyMode('replace')}>
            Replace
          </button>
          <button type="button" className="button button-small" onClick={() => onKeyMode('remove')}>
            Remove
          </button>
        </div>
      )}
      {hasStoredKey && keyMode === 'remove' && (
        <div className="key-stored">
          <span>The stored key will be removed from the keychain when you save.</span>
          <button type="button" className="button button-small" onClick={() => onKeyMode('keep')}>
            Undo
          </button>
        </div>
      )}
      {keyMode === 'replace' && (
        <div className="key-input-row">
          <input
            id={ids.input}
            data-testid={testId}
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={hasStoredKey ? 'New key' : placeholder}
            aria-describedby={ids.help}
            value={apiKey}
            onChange={(e) => onApiKey(e.target.value)}
          />
          {hasStoredKey && (
            <button type="button" className="button button-small" onClick={() => onKeyMode('keep')}>
              Keep stored key
            </button>
          )}
        </div>
      )}
      <p className="field-help" id={ids.help}>
        Kept in your system keychain, never written to a file and never shown again.
      </p>
    </div>
  );
}
