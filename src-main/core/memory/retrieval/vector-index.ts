export interface VectorHit {
  rowid: number;
  score: number;
}

/** How many rows survive the binary prefilter for an exact float rerank. */
const DEFAULT_CANDIDATES = 256;

/**
 * Cosine favours short rows: "Oh nice, bakery!" beats the message that told the bakery story.
 * The rerank score is cosine × √nnz (nnz: the row's non-zero dims), half-way back toward the raw
 * dot product, as pivoted length normalisation does for BM25. Dense provider vectors all have
 * the same nnz, so for them this changes nothing. It also makes the prefilter exact in form:
 * the ternary cosine (agreements / √nnz_row / √nnz_query) times √nnz_row ranks rows by their
 * number of agreeing signs alone.
 */
const LENGTH_LIFT = 0.5;

/**
 * Unit vectors of one owner kind in one contiguous matrix, searched brute force in two passes.
 *
 * First, binary codes: each row's vector quantised to ternary signs, stored bit-sliced — for
 * every dim a "positive" and a "negative" bitset over all rows (Int32 words, 32 rows each). A
 * query adds up, with bitwise ripple-carry counters, the bitsets of the signs it has: each row's
 * count of agreeing signs for 32 rows per operation. A sparse query from the built-in embedder
 * touches only its ~40-80 non-zero dims, so 100,000 rows cost a few hundred thousand word
 * operations instead of a popcount per row and word. Then the best few hundred rows by count get
 * an exact float dot product.
 *
 * Brute force because 100,000 rows fit in memory and an ANN graph would cost more code and
 * memory than the milliseconds it saves; ternary rather than plain sign bits because the
 * built-in embedder's vectors are sparse and a zero is not a "negative".
 */
export class VectorIndex {
  private dimsValue: number;
  private capacity = 0;
  /** Int32 words per bitset: capacity / 32. */
  private planeWords = 0;
  private count = 0;
  private matrix = new Float32Array(0);
  /** planes[(2·dim + sign) · planeWords + (slot >>> 5)], sign 0 = positive, 1 = negative. */
  private planes = new Int32Array(0);
  /** Per row: nnz^LENGTH_LIFT. */
  private lift = new Float32Array(0);
  private rowids = new Float64Array(0);
  private slots = new Map<number, number>();

  /** dims 0 means "take it from the first vector" (a provider's size is known only then). */
  constructor(dims = 0) {
    this.dimsValue = dims | 0;
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
    if (this.dimsValue === 0) this.dimsValue = length | 0;
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
      this.matrix.copyWithin(slot * d, last * d, last * d + d);
      this.lift[slot] = this.lift[last]!;
      const moved = this.rowids[last]!;
      this.rowids[slot] = moved;
      this.slots.set(moved, slot);
      this.encode(slot);
    }
    this.clearBits(last);
    this.slots.delete(rowid);
    this.count--;
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
    const d = this.dimsValue | 0;
    const matrix = this.matrix;
    const hits: VectorHit[] = [];
    for (const slot of shortlist) {
      const rowid = this.rowids[slot]!;
      if (exclude?.has(rowid)) continue;
      let dot = 0;
      const offset = slot * d;
      for (let i = 0; i < d; i++) dot += query[i]! * matrix[offset + i]!;
      if (dot > 0) hits.push({ rowid, score: dot * this.lift[slot]! });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, limit);
  }

  private allSlots(): number[] {
    return Array.from({ length: this.count }, (_, i) => i);
  }

  /** About the best `pool` slots (up to 2×pool when counts tie) by agreeing signs. */
  private prefilter(query: Float32Array, pool: number): number[] {
    const d = this.dimsValue | 0;
    const stride = this.planeWords | 0;
    const used = (this.count + 31) >>> 5;
    // The bitsets of the signs the query has: a positive query dim agrees with positive rows.
    const chosen: number[] = [];
    for (let i = 0; i < d; i++) {
      const v = query[i]!;
      if (v > 0) chosen.push(2 * i * stride);
      else if (v < 0) chosen.push((2 * i + 1) * stride);
    }
    if (chosen.length === 0) return [];
    let bits = 1;
    while (1 << bits <= chosen.length) bits++;
    // Vertical counters: counters[b · used + w] holds bit b of the count of the 32 rows of word w.
    const counters = new Int32Array(bits * used);
    const planes = this.planes;
    for (const base of chosen) {
      for (let w = 0; w < used; w++) {
        let carry = planes[base + w]!;
        for (let b = 0; carry !== 0 && b < bits; b++) {
          const at = b * used + w;
          const sum = counters[at]!;
          counters[at] = sum ^ carry;
          carry = sum & carry;
        }
      }
    }
    // Read the counts out, row by row, with a histogram to find the cut.
    const counts = new Uint16Array(used * 32);
    const histogram = new Uint32Array(chosen.length + 1);
    for (let w = 0; w < used; w++) {
      let any = 0;
      for (let b = 0; b < bits; b++) any |= counters[b * used + w]!;
      while (any !== 0) {
        const r = 31 - Math.clz32(any & -any);
        any &= any - 1;
        let c = 0;
        for (let b = 0; b < bits; b++) c |= ((counters[b * used + w]! >>> r) & 1) << b;
        counts[(w << 5) + r] = c;
        histogram[c]!++;
      }
    }
    let cut = chosen.length;
    let above = 0;
    while (cut > 1 && above + histogram[cut]! < pool) above += histogram[cut--]!;
    // Rows above the cut all go in; rows at it (ties) until 2×pool.
    const cap = 2 * pool;
    const kept: number[] = [];
    const ties: number[] = [];
    for (let slot = 0; slot < this.count; slot++) {
      const c = counts[slot]!;
      if (c > cut) kept.push(slot);
      else if (c === cut && ties.length < cap) ties.push(slot);
    }
    for (const slot of ties) {
      if (kept.length >= cap) break;
      kept.push(slot);
    }
    return kept;
  }

  private encode(slot: number): void {
    const d = this.dimsValue;
    const stride = this.planeWords;
    const word = slot >>> 5;
    const bit = 1 << (slot & 31);
    let nonZero = 0;
    const offset = slot * d;
    for (let i = 0; i < d; i++) {
      const v = this.matrix[offset + i]!;
      const pos = 2 * i * stride + word;
      const neg = pos + stride;
      this.planes[pos] = v > 0 ? this.planes[pos]! | bit : this.planes[pos]! & ~bit;
      this.planes[neg] = v < 0 ? this.planes[neg]! | bit : this.planes[neg]! & ~bit;
      if (v !== 0) nonZero++;
    }
    this.lift[slot] = nonZero === 0 ? 0 : Math.pow(nonZero, LENGTH_LIFT);
  }

  private clearBits(slot: number): void {
    const word = slot >>> 5;
    const mask = ~(1 << (slot & 31));
    for (let p = 0; p < 2 * this.dimsValue; p++) this.planes[p * this.planeWords + word]! &= mask;
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    const planeWords = capacity >>> 5;
    const matrix = new Float32Array(capacity * this.dimsValue);
    matrix.set(this.matrix.subarray(0, this.count * this.dimsValue));
    const planes = new Int32Array(2 * this.dimsValue * planeWords);
    for (let p = 0; p < 2 * this.dimsValue; p++) {
      planes.set(this.planes.subarray(p * this.planeWords, (p + 1) * this.planeWords), p * planeWords);
    }
    const lift = new Float32Array(capacity);
    lift.set(this.lift.subarray(0, this.count));
    const rowids = new Float64Array(capacity);
    rowids.set(this.rowids.subarray(0, this.count));
    this.matrix = matrix;
    this.planes = planes;
    this.lift = lift;
    this.rowids = rowids;
    this.capacity = capacity;
    this.planeWords = planeWords;
  }
}
