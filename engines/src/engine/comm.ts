/**
 * Communicators over a subset of engines, built on the mesh. Trees are binomial (as MPI's
 * classic bcast/reduce): log2(size) steps, data never goes through the client. Each
 * collective call gets its own tag `<op tag>|<targets>|<n>` so calls never mix.
 */
import { DistArrayError } from "../core/errors.js";
import type { Mesh } from "./mesh.js";
import type { Communicator, ReduceOp } from "./op-types.js";

export interface CommOptions {
  mesh: Mesh;
  /** This engine's rank. */
  engineRank: number;
  /** Member engine ranks (sorted, unique, including engineRank). */
  targets: readonly number[];
  /** Tag prefix unique to the op (client id and op id). */
  tagBase: string;
  /** Call counters shared by all communicators of the same op, by tag. */
  counters: Map<string, number>;
}

type Combine = (a: unknown, b: unknown) => unknown;

function scalarOp(op: Exclude<ReduceOp, Combine>): Combine {
  switch (op) {
    case "sum":
      return (a, b) => (a as number) + (b as number);
    case "prod":
      return (a, b) => (a as number) * (b as number);
    case "min":
      return (a, b) =>
        typeof a === "bigint" ? (a < (b as bigint) ? a : b) : Math.min(a as number, b as number);
    case "max":
      return (a, b) =>
        typeof a === "bigint" ? (a > (b as bigint) ? a : b) : Math.max(a as number, b as number);
    case "land":
      return (a, b) => Boolean(a) && Boolean(b);
    case "lor":
      return (a, b) => Boolean(a) || Boolean(b);
  }
}

/** Elementwise combination for numbers, bigints, booleans, typed arrays and arrays. */
export function combiner(op: ReduceOp): Combine {
  if (typeof op === "function") return op;
  const f = scalarOp(op);
  const rec = (a: unknown, b: unknown): unknown => {
    if (ArrayBuffer.isView(a) && !(a instanceof DataView)) {
      const x = a as unknown as { length: number; [i: number]: unknown; slice(): unknown };
      const y = b as typeof x;
      if (!ArrayBuffer.isView(b) || y.length !== x.length) {
        throw new DistArrayError("reduce: typed arrays of different lengths", {
          code: "DA_ERR_SHAPE",
        });
      }
      const out = x.slice() as typeof x;
      const bool = op === "land" || op === "lor";
      for (let i = 0; i < x.length; i++) {
        const v = f(x[i], y[i]);
        out[i] = bool ? (typeof x[i] === "bigint" ? BigInt(v ? 1 : 0) : v ? 1 : 0) : v;
      }
      return out;
    }
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) {
        throw new DistArrayError("reduce: arrays of different lengths", { code: "DA_ERR_SHAPE" });
      }
      return a.map((v, i) => rec(v, b[i]));
    }
    return f(a, b);
  };
  return rec;
}

export class MeshComm implements Communicator {
  readonly rank: number;
  readonly size: number;
  readonly targets: readonly number[];
  #mesh: Mesh;
  #tagBase: string;
  #counters: Map<string, number>;

  constructor(o: CommOptions) {
    const targets = [...new Set(o.targets)].sort((a, b) => a - b);
    const me = targets.indexOf(o.engineRank);
    if (me < 0) {
      throw new DistArrayError(
        `engine ${o.engineRank} is not a member of the communicator [${targets.join(", ")}]`,
        {
          code: "DA_ERR_VALUE",
          rank: o.engineRank,
        },
      );
    }
    this.rank = me;
    this.size = targets.length;
    this.targets = targets;
    this.#mesh = o.mesh;
    this.#tagBase = `${o.tagBase}|${targets.join(",")}`;
    this.#counters = o.counters;
  }

  #next(kind: string): string {
    const k = `${this.#tagBase}|${kind}`;
    const n = this.#counters.get(k) ?? 0;
    this.#counters.set(k, n + 1);
    return `${k}|${n}`;
  }

  #checkRoot(root: number): void {
    if (!Number.isSafeInteger(root) || root < 0 || root >= this.size) {
      throw new DistArrayError(`root ${root} is not a member position 0..${this.size - 1}`, {
        code: "DA_ERR_VALUE",
      });
    }
  }

  #send(tag: string, to: number, value: unknown): Promise<void> {
    return this.#mesh.send(this.targets[to]!, tag, value);
  }

  #recv(tag: string, from: number): Promise<unknown> {
    return this.#mesh.recv(this.targets[from]!, tag);
  }

  async barrier(): Promise<void> {
    await this.allreduce(0, "sum");
  }

  async bcast<T>(value: T | undefined, root = 0): Promise<T> {
    this.#checkRoot(root);
    const tag = this.#next("c");
    const size = this.size;
    const vrank = (this.rank - root + size) % size;
    let v = value as unknown;
    let mask = 1;
    while (mask < size) {
      if (vrank & mask) {
        v = await this.#recv(tag, (vrank - mask + root) % size);
        break;
      }
      mask <<= 1;
    }
    mask >>= 1;
    const sends: Promise<void>[] = [];
    while (mask > 0) {
      if (vrank + mask < size) sends.push(this.#send(tag, (vrank + mask + root) % size, v));
      mask >>= 1;
    }
    await Promise.all(sends);
    return v as T;
  }

  async reduce<T>(value: T, op: ReduceOp, root = 0): Promise<T | undefined> {
    this.#checkRoot(root);
    const combine = combiner(op);
    const tag = this.#next("c");
    const size = this.size;
    const vrank = (this.rank - root + size) % size;
    let acc: unknown = value;
    let mask = 1;
    while (mask < size) {
      if (vrank & mask) {
        await this.#send(tag, (vrank - mask + root) % size, acc);
        return undefined;
      }
      if (vrank + mask < size) {
        const other = await this.#recv(tag, (vrank + mask + root) % size);
        acc = combine(acc, other);
      }
      mask <<= 1;
    }
    return acc as T;
  }

  async allreduce<T>(value: T, op: ReduceOp): Promise<T> {
    const r = await this.reduce(value, op, 0);
    return this.bcast(r, 0) as Promise<T>;
  }

  async gather<T>(value: T, root = 0): Promise<T[] | undefined> {
    this.#checkRoot(root);
    const tag = this.#next("c");
    if (this.rank !== root) {
      await this.#send(tag, root, value);
      return undefined;
    }
    const out = await Promise.all(
      this.targets.map((_, i) => (i === root ? Promise.resolve(value) : this.#recv(tag, i))),
    );
    return out as T[];
  }

  async allgather<T>(value: T): Promise<T[]> {
    const g = await this.gather(value, 0);
    return this.bcast(g, 0) as Promise<T[]>;
  }

  async alltoall<T>(values: readonly T[]): Promise<T[]> {
    if (values.length !== this.size) {
      throw new DistArrayError(
        `alltoall needs one value per member (${this.size}); got ${values.length}`,
        {
          code: "DA_ERR_VALUE",
        },
      );
    }
    const tag = this.#next("c");
    const sends = values.map((v, j) =>
      j === this.rank ? Promise.resolve() : this.#send(tag, j, v),
    );
    const recvs = values.map((v, j) => (j === this.rank ? Promise.resolve(v) : this.#recv(tag, j)));
    const [, got] = await Promise.all([Promise.all(sends), Promise.all(recvs)]);
    return got as T[];
  }

  /**
   * alltoall in two steps, so that peers' data can land in place: registers now (before the
   * values exist, so before any member can send) where member j's buffers should be
   * received (`into(j, bufferIndex, byteLength)`, undefined for fresh memory), and returns
   * the exchange to run with the values. Every member must call it in the same order as its
   * other collectives. A value received in place is a view of the memory `into` gave.
   * `cancel` drops the registrations of an exchange that will not run.
   */
  alltoallInto<T>(
    into: (j: number, bufferIndex: number, byteLength: number) => Uint8Array | undefined,
  ): { run: (values: readonly T[]) => Promise<T[]>; cancel: () => void } {
    const tag = this.#next("c");
    for (let j = 0; j < this.size; j++) {
      if (j !== this.rank)
        this.#mesh.receiveInto(this.targets[j]!, tag, (bi, len) => into(j, bi, len));
    }
    const cancel = () => {
      for (let j = 0; j < this.size; j++)
        if (j !== this.rank) this.#mesh.receiveInto(this.targets[j]!, tag, undefined);
    };
    const run = async (values: readonly T[]): Promise<T[]> => {
      if (values.length !== this.size) {
        throw new DistArrayError(
          `alltoall needs one value per member (${this.size}); got ${values.length}`,
          { code: "DA_ERR_VALUE" },
        );
      }
      const sends = values.map((v, j) =>
        j === this.rank ? Promise.resolve() : this.#send(tag, j, v),
      );
      const recvs = values.map((v, j) =>
        j === this.rank ? Promise.resolve(v) : this.#recv(tag, j),
      );
      const [, got] = await Promise.all([Promise.all(sends), Promise.all(recvs)]);
      return got as T[];
    };
    return { run, cancel };
  }

  async send(value: unknown, dest: number): Promise<void> {
    this.#checkRoot(dest);
    await this.#send(this.#next(`p${this.rank}>${dest}`), dest, value);
  }

  async recv<T>(source: number): Promise<T> {
    this.#checkRoot(source);
    return (await this.#recv(this.#next(`p${source}>${this.rank}`), source)) as T;
  }
}
