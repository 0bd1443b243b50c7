import { AlertTriangle, Loader2 } from 'lucide-react';
import { useServices } from '../stores/services.js';

/**
 * The core's services while they start in the background, and any that failed: shown only when
 * there is something to say, so a started core leaves the status bar as it was.
 */
export function ServicesStatus() {
  const list = useServices((s) => s.list);
  const starting = list
    .filter((x) => x.state === 'starting')
    .map((x) => x.label)
    .join(', ');
  const failed = list.filter((x) => x.state === 'failed');
  if (!starting && failed.length === 0) return null;
  return (
    <>
      {starting && (
        <span
          className="status-item muted"
          data-testid="status-starting"
          role="status"
          title={`Starting: ${starting}`}
        >
          <Loader2 size={12} aria-hidden className="spin" />
          Starting {starting}…
        </span>
      )}
      {failed.map((service) => (
        <span
          key={service.name}
          className="status-item status-warning"
          data-testid="status-service-failed"
          title={service.error?.message ?? `${service.label} could not start`}
        >
          <AlertTriangle size={12} aria-hidden />
          {service.label} failed
        </span>
      ))}
    </>
  );
}
