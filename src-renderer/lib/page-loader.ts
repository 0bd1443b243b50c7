import type { Message } from '../../src-main/core/protocol/index.js';

export interface Page {
  total: number;
  messages: Message[];
}

export interface PageLoaderOptions {
  pageSize: number;
  fetchPage(offset: number, limit: number): Promise<Page>;
  onPage(page: Page): void;
  onError?(err: unknown): void;
  /** Lets the loader skip pages whose messages all arrived some other way (events, chat.send). */
  has?(index: number): boolean;
}

/**
 * Decides which fixed-size pages a visible range needs and fetches each at most once at a time.
 * Pages are aligned to multiples of pageSize so two overlapping ranges ask for the same page.
 */
export class PageLoader {
  private readonly loaded = new Set<number>();
  private readonly inFlight = new Set<number>();
  private generation = 0;
  private disposed = false;

  constructor(private readonly options: PageLoaderOptions) {}

  /** Page numbers covering [start, end] (inclusive, clamped to [0, total)) that still need a fetch. */
  missingPages(start: number, end: number, total: number): number[] {
    if (total <= 0) return [];
    const size = this.options.pageSize;
    const first = Math.floor(Math.max(0, start) / size);
    const last = Math.floor(Math.min(total - 1, Math.max(0, end)) / size);
    const pages: number[] = [];
    for (let p = first; p <= last; p++) {
      if (this.loaded.has(p) || this.inFlight.has(p)) continue;
      if (this.pageComplete(p, total)) continue;
      pages.push(p);
    }
    return pages;
  }

  /** Fetches what [start, end] needs; resolves when those fetches settle. */
  ensure(start: number, end: number, total: number): Promise<void> {
    const pages = this.missingPages(start, end, total);
    return Promise.all(pages.map((p) => this.fetch(p))).then(() => undefined);
  }

  /** Forgets what was loaded (after a reconnect events may have been missed); keeps the data shown. */
  invalidate(): void {
    this.loaded.clear();
    this.inFlight.clear();
    this.generation += 1;
  }

  dispose(): void {
    this.disposed = true;
    this.invalidate();
  }

  private pageComplete(page: number, total: number): boolean {
    const has = this.options.has;
    if (!has) return false;
    const size = this.options.pageSize;
    const end = Math.min(total, (page + 1) * size);
    for (let i = page * size; i < end; i++) if (!has(i)) return false;
    return true;
  }

  private async fetch(page: number): Promise<void> {
    const generation = this.generation;
    this.inFlight.add(page);
    const size = this.options.pageSize;
    try {
      const result = await this.options.fetchPage(page * size, size);
      if (this.disposed || generation !== this.generation) return;
      this.loaded.add(page);
      this.options.onPage(result);
    } catch (err) {
      if (!this.disposed && generation === this.generation) this.options.onError?.(err);
    } finally {
      if (generation === this.generation) this.inFlight.delete(page);
    }
  }
}
