import { Loader2 } from 'lucide-react';
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';

/**
 * A view whose code loads when it is first shown: the first script holds only the shell
 * (sidebar, conversation, composer), so the window paints at once.
 */
export function lazyView<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: ReactNode = <ViewLoading />,
): ComponentType<P> {
  const Lazy = lazy(async () => ({ default: await load() }));
  return function LazyView(props: P) {
    return (
      <Suspense fallback={fallback}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

export function ViewLoading() {
  return (
    <div className="view-loading" role="status" aria-label="Loading">
      <Loader2 size={16} aria-hidden className="spin" />
    </div>
  );
}
