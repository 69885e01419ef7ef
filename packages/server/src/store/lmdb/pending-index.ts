/** A pending entry as the index holds it: enough to order and claim without reading the store. */
export interface PendingRef {
  id: string;
  seq: number;
  /** Its `nextAttemptAt`. Only a stream's head is ever retried, so only a head's changes. */
  due: number;
}

/** A head as the heap holds it; stale once its stream's head or due time has changed. */
interface HeapItem {
  due: number;
  stream: string;
  id: string;
}

/**
 * The pending entries of the LMDB outbox, in memory: per stream its pending entries in seq order
 * (the first is the stream's head, the only one claimable), and a min-heap of the heads by
 * (due time, stream), the order claim returns them in. The embedded store belongs to one process,
 * so this process sees every change; the index is rebuilt from the `pending` database at open.
 *
 * Claim, finish and retry thus read nothing from LMDB to find heads and successors: what layout 2
 * kept in `ready` and found with four reads per finish is a heap operation here.
 *
 * The heap is lazy: a head that finished, was retried or got leased leaves its item behind, and
 * `popDue` drops items that no longer match their stream's head. A head whose lease lapsed is
 * pushed again by the outbox (see outbox.ts).
 */
export class PendingIndex {
  readonly #streams = new Map<string, PendingRef[]>();
  readonly #heap: HeapItem[] = [];
  #size = 0;

  /** Number of pending entries. */
  get size(): number {
    return this.#size;
  }

  /** Adds a pending entry; entries of a stream normally arrive in seq order. */
  add(stream: string, ref: PendingRef): void {
    const queue = this.#streams.get(stream);
    this.#size += 1;
    if (queue === undefined) {
      this.#streams.set(stream, [ref]);
      this.#push({ due: ref.due, stream, id: ref.id });
      return;
    }
    let at = queue.length;
    while (at > 0 && queue[at - 1]!.seq > ref.seq) at -= 1;
    queue.splice(at, 0, ref);
    if (at === 0) this.#push({ due: ref.due, stream, id: ref.id });
  }

  /** The head of `stream`, if it has pending entries. */
  head(stream: string): PendingRef | undefined {
    return this.#streams.get(stream)?.[0];
  }

  /** The pending entries of `stream`, in seq order (the index's own array: do not change it). */
  entries(stream: string): readonly PendingRef[] {
    return this.#streams.get(stream) ?? [];
  }

  /** Removes a pending entry (finished); its stream's next entry, if any, becomes the head. */
  remove(stream: string, id: string): void {
    const queue = this.#streams.get(stream);
    if (queue === undefined) return;
    const at = queue[0]?.id === id ? 0 : queue.findIndex((ref) => ref.id === id);
    if (at < 0) return;
    this.#size -= 1;
    if (queue.length === 1) {
      this.#streams.delete(stream);
      return;
    }
    queue.splice(at, 1);
    if (at === 0) this.#push({ due: queue[0]!.due, stream, id: queue[0]!.id });
  }

  /** Changes the due time of a pending entry (retried); a head goes back into the heap. */
  reschedule(stream: string, id: string, due: number): void {
    const queue = this.#streams.get(stream);
    const ref = queue?.find((candidate) => candidate.id === id);
    if (ref === undefined) return;
    ref.due = due;
    if (queue![0] === ref) this.#push({ due, stream, id });
  }

  /** Makes a head claimable again (its lease lapsed or was given back). */
  requeue(stream: string, id: string): void {
    const head = this.head(stream);
    if (head?.id === id) this.#push({ due: head.due, stream, id });
  }

  /**
   * Takes the next head due at `now` out of the heap (it comes back through `requeue`,
   * `reschedule` or `remove`), or undefined when none is due.
   */
  popDue(now: number): { stream: string; ref: PendingRef } | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.due > now) return undefined;
      this.#pop();
      const head = this.head(top.stream);
      if (head !== undefined && head.id === top.id && head.due === top.due) return { stream: top.stream, ref: head };
    }
  }

  /** The earliest due time of a head in the heap (stale items dropped first). */
  earliestDue(): number | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined) return undefined;
      const head = this.head(top.stream);
      if (head !== undefined && head.id === top.id && head.due === top.due) return top.due;
      this.#pop();
    }
  }

  #push(item: HeapItem): void {
    const heap = this.#heap;
    let at = heap.push(item) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[at] = heap[parent]!;
      at = parent;
    }
    heap[at] = item;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[at] = heap[child]!;
      at = child;
    }
    heap[at] = last;
  }
}

/** Heap order: due time, then stream (the order of layout 2's `ready` keys). */
function before(a: HeapItem, b: HeapItem): boolean {
  return a.due < b.due || (a.due === b.due && a.stream < b.stream);
}
