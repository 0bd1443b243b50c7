import { Globe } from 'lucide-react';
import { useId } from 'react';
import type { NetworkScope } from '../../../src-main/core/protocol/index.js';

/**
 * What a call that wants network may reach, chosen on its card: the hosts it names (the default
 * when it names any) or any public host. Neither ever covers this machine or a private network
 * unless an exact host:port was named.
 */
export function NetworkFacts(props: {
  hosts: string[];
  scope: NetworkScope;
  onScope(scope: NetworkScope): void;
  disabled: boolean;
}) {
  const { hosts, scope, onScope, disabled } = props;
  const name = useId();
  return (
    <fieldset className="permission-network" data-testid="permission-network" disabled={disabled}>
      <legend>
        <Globe size={13} aria-hidden /> Network, through the kernel’s proxy
      </legend>
      {hosts.length > 0 && (
        <label className="permission-network-option">
          <input
            type="radio"
            name={name}
            value="hosts"
            data-testid="permission-network-hosts"
            checked={scope === 'hosts'}
            onChange={() => onScope('hosts')}
          />
          <span>
            Only the hosts it names:{' '}
            <span className="mono" data-testid="permission-hosts">
              {hosts.join(', ')}
            </span>
          </span>
        </label>
      )}
      <label className="permission-network-option">
        <input
          type="radio"
          name={name}
          value="any-public"
          data-testid="permission-network-any"
          checked={scope === 'any-public'}
          onChange={() => onScope('any-public')}
        />
        <span>Any public host (never this machine or a private network)</span>
      </label>
      <p className="field-help">Any other host it tries is asked here when it tries.</p>
    </fieldset>
  );
}
