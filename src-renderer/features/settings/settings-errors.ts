import { errorMessage, isClientError } from '../../lib/client.js';

/** The core's words, plus what a failed keychain means for what was (not) saved. */
export function describeSaveError(err: unknown): string {
  if (isClientError(err) && err.code === 'KEYCHAIN_UNAVAILABLE') {
    return `${err.message} Nothing was saved; unlock or set up your system keychain and try again.`;
  }
  return errorMessage(err);
}
