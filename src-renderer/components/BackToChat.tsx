import { ArrowLeft } from 'lucide-react';
import { useUi } from '../stores/ui.js';

/** Every full-page view's way back to the conversation it was opened from. */
export function BackToChat({ testId = 'back-to-chat' }: { testId?: string }) {
  return (
    <button
      type="button"
      className="button button-ghost back-to-chat"
      data-testid={testId}
      onClick={() => {
        useUi.getState().setView('chat');
        useUi.getState().focusComposer();
      }}
    >
      <ArrowLeft size={15} aria-hidden />
      Back to chat
    </button>
  );
}
