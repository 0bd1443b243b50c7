interface SwitchFieldProps {
  id: string;
  testId: string;
  label: string;
  help: string;
  checked: boolean;
  /** Id of the error shown under the field, when there is one. */
  errorId: string | null;
  onChange(checked: boolean): void;
}

/** An on/off setting: a checkbox announced as a switch, with its label and a line of help. */
export function SwitchField({ id, testId, label, help, checked, errorId, onChange }: SwitchFieldProps) {
  return (
    <div className="switch-field">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        data-testid={testId}
        checked={checked}
        aria-describedby={errorId ? `${id}-help ${errorId}` : `${id}-help`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <div className="switch-text">
        <label htmlFor={id}>{label}</label>
        <p id={`${id}-help`} className="field-help">
          {help}
        </p>
      </div>
    </div>
  );
}
