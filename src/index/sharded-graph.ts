import type { FilterFunction, HierarchicalNSW, SearchResult, SpaceName } from 'hnswlib-node';
import { EXACT_SEARCH_ENTRIES, SparseRows } from './exact-search.js';

/**
 * A graph of more points than this is built as two graphs, each in a thread of its own. Inserting
 * into an HNSW graph slows as it outgrows the CPU's cache: on 20,192 synthetic chunks one graph took
 * 61 s, two of half the points 19 s each (side by side on 2 cores; 38 s one after the other), while
 * searching both costs 1.7 times one search. Smaller graphs, the ones warm answers are timed on,
 * stay whole.
 */
export const SHARDED_GRAPH_POINTS = 10_000;

/** How many graphs a store of `points` is built as. */
export function graphShards(points: number): number {
  return points > SHARDED_GRAPH_POINTS ? 2 : 1;
}

/** The file of graph `shard` of a store saved as `file`: the first is `file` itself, so a one-graph store's files are hnswlib's own. */
export function shardFile(file: string, shard: number): string {
  return shard === 0 ? file : `${file}.${shard}`;
}

/**
 * Several hnswlib graphs as one, for LangChain's `HNSWLib` store (which holds one `HierarchicalNSW`).
 * Point `label` lives in graph `label % shards`, under its own label, so a search's labels are the
 * store's and an update's new label goes where its number says. A search asks every graph and keeps
 * the nearest; everything else goes to the graph that holds the label, or to all.
 */
export class ShardedGraph implements HierarchicalNSW {
  /**
   * The one cosine graph's live points as sparse rows, when the store has them (`attachRows`): kept
   * in step with every point added, replaced or deleted, and searched exactly where that is cheaper
   * than the graph (`searchKnn`).
   */
  private sparse: SparseRows | undefined;

  constructor(readonly graphs: readonly HierarchicalNSW[]) {
    if (graphs.length === 0) throw new Error('a sharded graph needs at least one graph');
  }

  /** The live points as sparse rows, if attached and still in step with the graph. */
  get rows(): SparseRows | undefined {
    return this.sparse;
  }

  /** Searches the one graph's points through these rows from now on, where cheaper: they must hold exactly its live points. */
  attachRows(rows: SparseRows): void {
    if (this.graphs.length !== 1) throw new Error('sparse rows serve a store of one graph');
    this.sparse = rows;
  }

  /** `count` empty graphs of the given space and dimensions. */
  static create(space: SpaceName, dimensions: number, count: number, construct: new (space: SpaceName, dimensions: number) => HierarchicalNSW): ShardedGraph {
    return new ShardedGraph(Array.from({ length: count }, () => new construct(space, dimensions)));
  }

  private of(label: number): HierarchicalNSW {
    return this.graphs[label % this.graphs.length]!;
  }

  /** Room for `maxElements` points in all, labels 0 … maxElements − 1 spread over the graphs. */
  initIndex(
    maxElements: number | { maxElements: number; m?: number; efConstruction?: number; randomSeed?: number; allowReplaceDeleted?: boolean },
    m?: number,
    efConstruction?: number,
    randomSeed?: number,
    allowReplaceDeleted?: boolean,
  ): void {
    this.sparse = undefined;
    const options = typeof maxElements === 'number' ? { maxElements, m, efConstruction, randomSeed, allowReplaceDeleted } : maxElements;
    for (const graph of this.graphs) graph.initIndex({ ...definedOnly(options), maxElements: this.perGraph(options.maxElements) });
  }

  async readIndex(filename: string, allowReplaceDeleted?: boolean): Promise<boolean> {
    this.sparse = undefined;
    const read = await Promise.all(this.graphs.map((graph, shard) => graph.readIndex(shardFile(filename, shard), allowReplaceDeleted)));
    return read.every(Boolean);
  }

  readIndexSync(filename: string, allowReplaceDeleted?: boolean): void {
    this.sparse = undefined;
    this.graphs.forEach((graph, shard) => graph.readIndexSync(shardFile(filename, shard), allowReplaceDeleted));
  }

  async writeIndex(filename: string): Promise<boolean> {
    const written = await Promise.all(this.graphs.map((graph, shard) => graph.writeIndex(shardFile(filename, shard))));
    return written.every(Boolean);
  }

  writeIndexSync(filename: string): void {
    this.graphs.forEach((graph, shard) => graph.writeIndexSync(shardFile(filename, shard)));
  }

  /** Room for labels 0 … newMaxElements − 1; a graph never shrinks below what it holds. */
  resizeIndex(newMaxElements: number): void {
    const each = this.perGraph(newMaxElements);
    for (const graph of this.graphs) if (graph.getMaxElements() < each) graph.resizeIndex(each);
  }

  addPoint(point: number[], label: number, replaceDeleted?: boolean): void {
    this.of(label).addPoint(point, label, replaceDeleted);
    // With replaceDeleted hnswlib may give the point a deleted point's place, whose label then leaves the graph: which one is not known.
    if (replaceDeleted) this.sparse = undefined;
    else this.sparse?.set(label, point);
  }

  markDelete(label: number): void {
    this.of(label).markDelete(label);
    this.sparse?.delete(label);
  }

  unmarkDelete(label: number): void {
    this.of(label).unmarkDelete(label);
    // The point's vector is the graph's alone now.
    this.sparse = undefined;
  }

  /**
   * The `numNeighbors` nearest of every graph's nearest, nearest first (ties by label, so a search
   * is repeatable). With sparse rows attached, a search that reads fewer than EXACT_SEARCH_ENTRIES
   * of their column entries is answered exactly from them: cheaper than the graph for the built-in
   * embedder's vectors, and it finds every nearest point.
   */
  searchKnn(queryPoint: number[], numNeighbors: number, filter?: FilterFunction): SearchResult {
    if (this.sparse && !filter && this.sparse.cost(queryPoint) <= EXACT_SEARCH_ENTRIES) return this.sparse.search(queryPoint, numNeighbors);
    if (this.graphs.length === 1) return this.graphs[0]!.searchKnn(queryPoint, numNeighbors, filter);
    const found: Array<{ distance: number; label: number }> = [];
    for (const graph of this.graphs) {
      // hnswlib refuses a k past a graph's room; a search returns no more than its live points anyway.
      const k = Math.min(numNeighbors, graph.getCurrentCount());
      if (k === 0) continue;
      const { distances, neighbors } = graph.searchKnn(queryPoint, k, filter);
      neighbors.forEach((label, i) => found.push({ distance: distances[i]!, label }));
    }
    found.sort((a, b) => a.distance - b.distance || a.label - b.label);
    const nearest = found.slice(0, numNeighbors);
    return { distances: nearest.map((hit) => hit.distance), neighbors: nearest.map((hit) => hit.label) };
  }

  getIdsList(): number[] {
    return this.graphs.flatMap((graph) => graph.getIdsList());
  }

  getPoint(label: number): number[] {
    return this.of(label).getPoint(label);
  }

  /** The labels 0 … n − 1 there is room for: each graph's room for its share. */
  getMaxElements(): number {
    return Math.min(...this.graphs.map((graph) => graph.getMaxElements())) * this.graphs.length;
  }

  getCurrentCount(): number {
    return this.graphs.reduce((sum, graph) => sum + graph.getCurrentCount(), 0);
  }

  getNumDimensions(): number {
    return this.graphs[0]!.getNumDimensions();
  }

  getEf(): number {
    return this.graphs[0]!.getEf();
  }

  setEf(ef: number): void {
    for (const graph of this.graphs) graph.setEf(ef);
  }

  /** The points of labels 0 … total − 1 one graph holds at most. */
  private perGraph(total: number): number {
    return Math.ceil(total / this.graphs.length);
  }
}

/** hnswlib reads a missing option as its default, but not an option given as `undefined`. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
