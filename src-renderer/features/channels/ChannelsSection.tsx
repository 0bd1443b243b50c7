import { Loader2, RefreshCw, Trash2 } from 'lucide-react';
import { useId, useState } from 'react';
import type { Channel, ChannelKind } from '../../../src-main/core/protocol/index.js';
import { client } from '../../app/client-instance.js';
import { errorMessage } from '../../lib/client.js';
import { useChannels } from '../../stores/channels.js';
import { ChannelQr } from './ChannelQr.js';
import { PlatformIcon, PLATFORM_NAMES } from './PlatformIcon.js';

const STATE_WORDS: Record<Channel['status']['state'], string> = {
  stopped: 'Stopped',
  connecting: 'Connecting…',
  connected: 'Connected',
  'needs-login': 'Needs linking',
  failed: 'Failed',
};

/** Settings → Channels: the same store as `cell0 channels`. */
export function ChannelsSection() {
  const channels = useChannels((s) => s.channels);
  const id = useId();
  return (
    <section
      className="settings-section"
      data-testid="settings-section-channels"
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>Channels</h2>
      <p className="muted">
        Talk to your agent from Telegram, Discord or WhatsApp. Only you can, at first: anyone else who writes
        gets a pairing code, which you approve under Channels in the sidebar (or with{' '}
        <code>cell0 channels approve CODE</code>). Tool calls from a channel always ask you here.
      </p>
      {channels.length === 0 && <p className="muted">No channels yet: add one below.</p>}
      <ul className="channel-list">
        {channels.map((c) => (
          <ChannelRow key={c.id} channel={c} />
        ))}
      </ul>
      <AddChannel />
    </section>
  );
}

function ChannelRow({ channel }: { channel: Channel }) {
  const [error, setError] = useState<string | null>(null);
  const { status } = channel;
  const owner = channel.senders.find((s) => s.role === 'owner');
  const run = (fn: () => Promise<unknown>) => {
    setError(null);
    fn().catch((err: unknown) => setError(errorMessage(err)));
  };
  return (
    <li className="channel-row" data-testid="channel-row" data-kind={channel.kind} data-state={status.state}>
      <div className="channel-head">
        <PlatformIcon kind={channel.kind} size={16} />
        <strong>{channel.name}</strong>
        <span className={`status-dot status-${status.state}`} aria-hidden />
        <span data-testid="channel-state">
          {STATE_WORDS[status.state]}
          {status.account ? ` as ${status.account}` : ''}
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label={`Reconnect ${channel.name}`}
          title="Reconnect"
          onClick={() => run(() => client().call('channels.reconnect', { id: channel.id }))}
        >
          <RefreshCw size={13} aria-hidden />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="channel-remove"
          aria-label={`Remove ${channel.name}`}
          title="Remove"
          onClick={() => run(() => client().call('channels.remove', { id: channel.id }))}
        >
          <Trash2 size={13} aria-hidden />
        </button>
      </div>
      {status.error && (
        <p className="inline-error" role="alert" data-testid="channel-error">
          {status.error.message}
        </p>
      )}
      {status.qr && <ChannelQr text={status.qr} />}
      {!owner && <p className="muted">No owner yet: the first sender you approve becomes the owner.</p>}
      {channel.senders.length > 0 && (
        <ul className="channel-senders" aria-label={`Who may talk on ${channel.name}`}>
          {channel.senders.map((sender) => (
            <li key={sender.id} data-testid="channel-sender" data-role={sender.role}>
              {sender.name} <span className="muted">({sender.role === 'owner' ? 'owner' : 'approved'})</span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Take ${sender.name} off ${channel.name}`}
                title="Remove"
                onClick={() =>
                  run(() => client().call('channels.removeSender', { id: channel.id, senderId: sender.id }))
                }
              >
                <Trash2 size={12} aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="channel-settings">
        <label>
          Group chats{' '}
          <select
            value={channel.groups}
            onChange={(e) =>
              run(() =>
                client().call('channels.update', {
                  id: channel.id,
                  groups: e.target.value as Channel['groups'],
                }),
              )
            }
          >
            <option value="mention">Answer when mentioned</option>
            <option value="off">Ignore</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="channel-dm-approvals"
            checked={channel.dmApprovals}
            disabled={channel.kind === 'whatsapp'}
            onChange={(e) =>
              run(() => client().call('channels.update', { id: channel.id, dmApprovals: e.target.checked }))
            }
          />{' '}
          Also ask me for permissions in my {PLATFORM_NAMES[channel.kind]} DM (Allow/Deny buttons)
          {channel.kind === 'whatsapp' ? ' — not available on WhatsApp' : ''}
        </label>
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function AddChannel() {
  const [kind, setKind] = useState<ChannelKind>('telegram');
  const [token, setToken] = useState('');
  const [apiRoot, setApiRoot] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  async function add(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const channel = await client().call('channels.add', {
        kind,
        ...(kind !== 'whatsapp' ? { token } : {}),
        ...(apiRoot.trim() ? { apiRoot: apiRoot.trim() } : {}),
      });
      useChannels.getState().upsert(channel);
      setToken('');
      setApiRoot('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-kind`}>Platform</label>
        <select
          id={`${id}-kind`}
          data-testid="channel-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as ChannelKind)}
        >
          <option value="telegram">Telegram (a bot from @BotFather)</option>
          <option value="discord">Discord (a bot from the Developer Portal)</option>
          <option value="whatsapp">WhatsApp (link with a QR code)</option>
        </select>
      </div>
      {kind !== 'whatsapp' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-token`}>Bot token</label>
            <input
              id={`${id}-token`}
              data-testid="channel-token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-api`}>API server (optional)</label>
            <input
              id={`${id}-api`}
              data-testid="channel-api-root"
              placeholder={kind === 'telegram' ? 'https://api.telegram.org' : 'https://discord.com/api'}
              value={apiRoot}
              onChange={(e) => setApiRoot(e.target.value)}
            />
          </div>
        </>
      )}
      <button
        type="submit"
        className="button"
        data-testid="channel-add"
        disabled={busy || (kind !== 'whatsapp' && !token.trim())}
      >
        {busy && <Loader2 size={13} className="spin" aria-hidden />}
        Add {PLATFORM_NAMES[kind]}
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
