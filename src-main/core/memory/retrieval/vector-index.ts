export interface VectorHit {
  rowid: number;
  score: number;
}

/** How many rows survive the binary prefilter for an exact float rerank. */
const DEFAULT_CANDIDATES = 384;

/**
 * Cosine favours short rows: "Oh nice, bakery!" beats the message that told the bakery story.
 * The rerank score is cosine × nnz^LENGTH_LIFT (nnz: non-zero dims), half-way back toward the
 * raw dot product, as pivoted length normalisation does for BM25. Dense provider vectors all
 * have the same nnz, so for them this changes nothing.
 */
const LENGTH_LIFT = 0.5;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Unit vectors of one owner kind in one contiguous matrix, searched brute force in two passes:
 * a ternary sign code per row (a "positive" and a "negative" bit plane) gives an approximate
 * cosine from popcounts over a few Uint32 words, and only the best few hundred rows get an exact
 * float dot product. Brute force because 100,000 rows fit in memory and an ANN graph would cost
 * more code than the ~5 ms it saves; ternary rather than plain sign bits because the built-in
 * embedder's vectors are sparse and a zero is not a "negative".
 */
export class VectorIndex {
  private dimsValue: number;
  private words = 0;
  private capacity = 0;
  private count = 0;
  private matrix = new Float32Array(0);
  private codes = new Uint32Array(0);
  /** 1/sqrt(non-zero dims): normalises the ternary dot product into a cosine. */
  private codeScale = new Float32Array(0);
  private rowids = new Float64Array(0);
  private slots = new Map<number, number>();

  /** dims 0 means "take it from the first vector" (a provider's size is known only then). */
  constructor(dims = 0) {
    this.dimsValue = dims;
    if (dims > 0) this.words = Math.ceil(dims / 32);
  }

  get dims(): number {
    return this.dimsValue;
  }

  get size(): number {
    return this.count;
  }

  has(rowid: number): boolean {
    return this.slots.has(rowid);
  }

  /** Adds or replaces a row's vector; `source` may be a Float32Array or the raw bytes of one. */
  upsert(rowid: number, source: Float32Array | Uint8Array): void {
    const length = source instanceof Float32Array ? source.length : source.byteLength / 4;
    if (this.dimsValue === 0) {
      this.dimsValue = length;
      this.words = Math.ceil(length / 32);
    }
    if (length !== this.dimsValue) {
      throw new Error(`vector of ${length} dims in an index of ${this.dimsValue}`);
    }
    let slot = this.slots.get(rowid);
    if (slot === undefined) {
      if (this.count === this.capacity) this.grow();
      slot = this.count++;
      this.slots.set(rowid, slot);
      this.rowids[slot] = rowid;
    }
    const offset = slot * this.dimsValue;
    if (source instanceof Float32Array) this.matrix.set(source, offset);
    // Copy bytes rather than view them: a Buffer from sqlite may sit at an unaligned offset.
    else new Uint8Array(this.matrix.buffer, offset * 4, length * 4).set(source);
    this.encode(slot);
  }

  remove(rowid: number): void {
    const slot = this.slots.get(rowid);
    if (slot === undefined) return;
    const last = this.count - 1;
    if (slot !== last) {
      const d = this.dimsValue;
      const w = this.words * 2;
      this.matrix.copyWithin(slot * d, last * d, last * d + d);
      this.codes.copyWithin(slot * w, last * w, last * w + w);
      this.codeScale[slot] = this.codeScale[last]!;
      const moved = this.rowids[last]!;
      this.rowids[slot] = moved;
      this.slots.set(moved, slot);
    }
    this.slots.delete(rowid);
    this.count--;
  }

  clear(): void {
    this.slots.clear();
    this.count = 0;
  }

  /** The `limit` rows most similar to `query` (a unit vector), best first; `exclude` rows are skipped. */
  search(
    query: Float32Array,
    limit: number,
    exclude?: ReadonlySet<number>,
    candidates = DEFAULT_CANDIDATES,
  ): VectorHit[] {
    if (this.count === 0 || limit <= 0 || query.length !== this.dimsValue) return [];
    const pool = Math.max(limit, candidates);
    const shortlist = this.count <= pool ? this.allSlots() : this.prefilter(query, pool);
    const d = this.dimsValue;
    const hits: VectorHit[] = [];
    for (const slot of shortlist) {
      const rowid = this.rowids[slot]!;
      if (exclude?.has(rowid)) continue;
      let dot = 0;
      const offset = slot * d;
      for (let i = 0; i < d; i++) dot += query[i]! * this.matrix[offset + i]!;
      if (dot > 0) hits.push({ rowid, score: dot * Math.pow(this.codeScale[slot]!, -2 * LENGTH_LIFT) });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, limit);
  }

  private allSlots(): number[] {
    return Array.from({ length: this.count }, (_, i) => i);
  }

  /** Best `pool` slots by approximate cosine, via a bounded min-heap. */
  private prefilter(query: Float32Array, pool: number): number[] {
    const w = this.words;
    const q = new Uint32Array(w * 2);
    let qNonZero = 0;
    for (let i = 0; i < this.dimsValue; i++) {
      const v = query[i]!;
      if (v > 0) q[i >>> 5]! |= 1 << (i & 31);
      else if (v < 0) q[w + (i >>> 5)]! |= 1 << (i & 31);
      if (v !== 0) qNonZero++;
    }
    if (qNonZero === 0) return [];
    const heapScore = new Float32Array(pool);
    const heapSlot = new Int32Array(pool);
    let heapSize = 0;
    const codes = this.codes;
    const stride = w * 2;
    for (let slot = 0; slot < this.count; slot++) {
      const base = slot * stride;
      let agree = 0;
      let disagree = 0;
      for (let j = 0; j < w; j++) {
        const qp = q[j]!;
        const qn = q[w + j]!;
        const dp = codes[base + j]!;
        const dn = codes[base + w + j]!;
        agree += popcount((qp & dp) | (qn & dn));
        disagree += popcount((qp & dn) | (qn & dp));
      }
      const score = (agree - disagree) * this.codeScale[slot]!;
      if (heapSize < pool) {
        // Sift up.
        let i = heapSize++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (heapScore[parent]! <= score) break;
          heapScore[i] = heapScore[parent]!;
          heapSlot[i] = heapSlot[parent]!;
          i = parent;
        }
        heapScore[i] = score;
        heapSlot[i] = slot;
      } else if (score > heapScore[0]!) {
        // Replace the worst kept row and sift down.
        let i = 0;
        for (;;) {
          const left = 2 * i + 1;
          if (left >= heapSize) break;
          const right = left + 1;
          const child = right < heapSize && heapScore[right]! < heapScore[left]! ? right : left;
          if (heapScore[child]! >= score) break;
          heapScore[i] = heapScore[child]!;
          heapSlot[i] = heapSlot[child]!;
          i = child;
        }
        heapScore[i] = score;
        heapSlot[i] = slot;
      }
    }
    return Array.from(heapSlot.subarray(0, heapSize));
  }

  private encode(slot: number): void {
    const d = this.dimsValue;
    const w = this.words;
    const base = slot * w * 2;
    this.codes.fill(0, base, base + w * 2);
    let nonZero = 0;
    const offset = slot * d;
    for (let i = 0; i < d; i++) {
      const v = this.matrix[offset + i]!;
      if (v > 0) this.codes[base + (i >>> 5)]! |= 1 << (i & 31);
      else if (v < 0) this.codes[base + w + (i >>> 5)]! |= 1 << (i & 31);
      if (v !== 0) nonZero++;
    }
    this.codeScale[slot] = nonZero === 0 ? 0 : 1 / Math.sqrt(nonZero);
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    const matrix = new Float32Array(capacity * this.dimsValue);
    matrix.set(this.matrix.subarray(0, this.count * this.dimsValue));
    const codes = new Uint32Array(capacity * this.words * 2);
    codes.set(this.codes.subarray(0, this.count * this.words * 2));
    const codeScale = new Float32Array(capacity);
    codeScale.set(this.codeScale.subarray(0, this.count));
    const rowids = new Float64Array(capacity);
    rowids.set(this.rowids.subarray(0, this.count));
    this.matrix = matrix;
    this.codes = codes;
    this.codeScale = codeScale;
    this.rowids = rowids;
    this.capacity = capacity;
  }
}
