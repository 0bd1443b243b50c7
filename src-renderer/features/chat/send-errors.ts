import { errorMessage, isClientError } from '../../lib/client.js';

/** The core's messages are already meant for people; a few codes get wording tied to this screen. */
export function describeSendError(err: unknown): string {
  if (!isClientError(err)) return errorMessage(err);
  switch (err.code) {
    case 'PROVIDER_NOT_CONFIGURED':
      return 'No model is connected yet. Open Settings to connect one, then send again.';
    case 'BUSY':
      return 'Cell 0 is still answering in this conversation. Wait for it, or press Esc to stop it.';
    default:
      return err.message;
  }
}
