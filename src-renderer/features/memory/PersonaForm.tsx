import { Loader2 } from 'lucide-react';
import { useId, useState } from 'react';
import type { Persona } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';

/** The persona's name and character; saved explicitly, since a half-typed character should not apply. */
export function PersonaForm({ initial }: { initial: Persona }) {
  const [name, setName] = useState(initial.name);
  const [character, setCharacter] = useState(initial.character);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const valid = name.trim() !== '';

  async function save(): Promise<void> {
    setSaving(true);
    setError(null);
    try {
      const persona = await client().call('settings.setPersona', { name: name.trim(), character });
      setName(persona.name);
      setCharacter(persona.character);
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void save();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          type="text"
          data-testid="persona-name"
          maxLength={60}
          required
          aria-invalid={!valid}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setSaved(false);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-character`}>Character</label>
        <textarea
          id={`${id}-character`}
          data-testid="persona-character"
          rows={5}
          maxLength={4000}
          aria-describedby={`${id}-character-help`}
          value={character}
          onChange={(e) => {
            setCharacter(e.target.value);
            setSaved(false);
          }}
        />
        <p className="field-help" id={`${id}-character-help`}>
          How it speaks and behaves, in your words: “warm and brief, asks before assuming”.
        </p>
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          data-testid="persona-save"
          disabled={!valid || saving}
        >
          {saving && <Loader2 size={13} className="spin" aria-hidden />}
          Save persona
        </button>
        {saved && (
          <p className="memory-saved" data-testid="persona-saved" role="status">
            Saved. New replies use it.
          </p>
        )}
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
