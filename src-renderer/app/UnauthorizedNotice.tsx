import { Lock } from 'lucide-react';

export function UnauthorizedNotice() {
  return (
    <div className="empty-state" role="alert">
      <Lock size={28} aria-hidden className="empty-state-icon" />
      <h2>Cannot open this Cell 0</h2>
      <p>
        This link's access token is wrong or expired — open the URL <code>cell0 serve</code> printed.
      </p>
    </div>
  );
}
