import { Notification } from 'electron';
import type { LocalClient } from '../core/gateway/local-client.js';
import {
  LONG_RUN_MS,
  automationNotice,
  permissionNotice,
  proposalNotice,
  replyNotice,
  type NavigateTarget,
  type Notice,
} from './notices.js';

export interface NotifierOptions {
  client: LocalClient;
  /** Whether the owner is looking at the app (its main window focused): then nothing pops up. */
  isOwnerLooking: () => boolean;
  /** A click on a notification: show the window at the target. */
  open: (target: NavigateTarget) => void;
  onError: (message: string, err: unknown) => void;
  longRunMs?: number;
  now?: () => number;
}

/**
 * Desktop notifications for what needs the owner while they are elsewhere: a permission request,
 * an agent's swarm proposal, and a long reply (or swarm) that finished. Returns the disposer.
 */
export function startNotifications(options: NotifierOptions): () => void {
  const now = options.now ?? Date.now;
  // Electron drops the click handler of a notification the garbage collector took, so each
  // one is held until it is clicked or closed.
  const live = new Set<Notification>();
  const notified = new Set<string>();

  const show = (key: string, notice: Notice): void => {
    if (notified.has(key) || options.isOwnerLooking() || !Notification.isSupported()) return;
    notified.add(key);
    try {
      const notification = new Notification({ title: notice.title, body: notice.body });
      live.add(notification);
      notification.on('click', () => {
        live.delete(notification);
        options.open(notice.target);
      });
      notification.on('close', () => live.delete(notification));
      notification.show();
    } catch (err) {
      // A desktop without a notification server must not break the app.
      options.onError('could not show a notification', err);
    }
  };

  const unsubscribes = [
    options.client.on('permission.requested', ({ request }) =>
      show(`permission:${request.id}`, permissionNotice(request)),
    ),
    options.client.on('swarm.proposed', ({ proposal }) =>
      show(`proposal:${proposal.id}`, proposalNotice(proposal)),
    ),
    options.client.on('message.updated', ({ message }) => {
      const notice = replyNotice(message, now(), options.longRunMs ?? LONG_RUN_MS);
      if (notice) show(`reply:${message.id}`, notice);
    }),
    options.client.on('automation.run', ({ run }) => {
      const notice = automationNotice(run);
      if (notice) show(`automation:${run.id}`, notice);
    }),
  ];

  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    for (const notification of live) notification.close();
    live.clear();
  };
}
