import { CheckCircle2, XCircle } from 'lucide-react';
import type { ReactNode } from 'react';
import type { TestState } from '../features/settings/provider-form-model.js';
import { plural } from '../lib/plural.js';

interface Props {
  test: TestState;
  testId: string;
  /** Shown under a success, e.g. a way to pick one of the listed models. */
  children?: ReactNode;
}

/** The answer to "Test connection", where the button is: models on success, the reason on failure. */
export function ConnectionTestResult({ test, testId, children }: Props) {
  if (test.kind === 'idle') return null;
  return (
    <div
      className={`test-result ${test.kind}`}
      data-testid={testId}
      data-ok={test.kind === 'ok' ? 'true' : test.kind === 'failed' ? 'false' : undefined}
      role="status"
    >
      {test.kind === 'testing' && <span>Testing the connection…</span>}
      {test.kind === 'ok' && (
        <>
          <p>
            <CheckCircle2 size={15} aria-hidden /> Connected.{' '}
            {test.models.length === 0
              ? 'The server did not list any models; type the model name yourself.'
              : `${plural(test.models.length, 'model')} available.`}
          </p>
          {test.models.length > 0 && (
            <ul className="model-names" aria-label="Available models">
              {test.models.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
          {children}
        </>
      )}
      {test.kind === 'failed' && (
        <p>
          <XCircle size={15} aria-hidden /> {test.message}
        </p>
      )}
    </div>
  );
}
