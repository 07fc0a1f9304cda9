// Core ops that run client-supplied function source: apply, register, call.
// Only authenticated clients can send ops at all, so this runs only code from key holders.

import { DistArrayError } from "../../core/errors.js";
import * as core from "../../core/index.js";
import { packValue, unpackValue } from "../../core/protocol-codec.js";
import type { EngineContext, OpInput, OpOutput } from "../op-types.js";
import { registerOp } from "../op-types.js";

/** Marker of an argument naming a registry entry (kernel/src/context.ts KEY_ARGUMENT). */
const KEY_ARGUMENT = "$key";
/** Marker of a LocalArray result left in the registry (kernel/src/context.ts). */
const LOCAL_ARRAY_RESULT = "$localArray";

type EngineFunction = (...args: unknown[]) => unknown;

/** Names in scope inside shipped functions. */
const SCOPE = ["da", "comm", "rank", "proxyize"] as const;
type ScopeName = (typeof SCOPE)[number];

interface Scope {
  da: typeof core;
  comm: unknown;
  rank: number;
  proxyize: (value: unknown) => string;
}

/** Why a name of a notebook's earlier cells cannot be read or written by an engine function. */
function clientVariableError(name: string): ReferenceError {
  return new ReferenceError(
    `the function refers to the client-side variable '${name}', which does not exist on the ` +
      "engines (closures over client variables are not shipped; pass values as arguments)",
  );
}

/**
 * The `exports` binding of shipped functions. A notebook (tslab) compiles each cell as a module
 * and rewrites names declared by earlier cells to `exports.X`, also inside functions whose
 * source is shipped here: `da` becomes `exports.da`, a declared `rank` becomes `exports.rank`.
 * The engine-side names resolve to the engine's values; any other name is a client variable.
 */
function exportsFor(scope: Scope): object {
  const isScopeName = (p: string): p is ScopeName => (SCOPE as readonly string[]).includes(p);
  return new Proxy(Object.create(null) as object, {
    get(_t, p) {
      if (typeof p === "symbol") return undefined;
      if (isScopeName(p)) return scope[p];
      throw clientVariableError(p);
    },
    set(_t, p) {
      throw clientVariableError(String(p));
    },
    has: (_t, p) => typeof p === "string" && isScopeName(p),
  });
}

/** Compiled factories kept by source text (an `apply` in a loop ships the same text). */
const COMPILED_CACHE_ENTRIES = 256;
const compiled = new Map<string, (scope: Scope) => EngineFunction>();

/**
 * Compiles function source text into a factory taking the scope values (cached by source
 * text: compiling is pure, so the same text gives an equivalent factory). Accepts function
 * expressions, arrow functions, and method shorthand (`name(a) {...}`).
 */
function compile(source: string): (scope: Scope) => EngineFunction {
  if (typeof source !== "string") throw new TypeError("apply needs the function's source text");
  let factory = compiled.get(source);
  if (factory === undefined) {
    factory = compileUncached(source);
    if (compiled.size >= COMPILED_CACHE_ENTRIES) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, factory);
  }
  return factory;
}

function compileUncached(source: string): (scope: Scope) => EngineFunction {
  const attempt = (text: string) =>
    new Function("exports", ...SCOPE, `"use strict"; return (${text}\n);`) as (
      ...s: unknown[]
    ) => unknown;
  let factory: (...s: unknown[]) => unknown;
  try {
    factory = attempt(source);
  } catch {
    try {
      factory = attempt(`function ${source.replace(/^async\s+/, "")}`);
      if (/^async\s/.test(source))
        factory = attempt(`async function ${source.replace(/^async\s+/, "")}`);
    } catch (e) {
      throw new DistArrayError(`function source does not compile: ${(e as Error).message}`, {
        code: "DA_ERR_VALUE",
        cause: e,
      });
    }
  }
  return (scope) => {
    const fn = factory(exportsFor(scope), scope.da, scope.comm, scope.rank, scope.proxyize);
    if (typeof fn !== "function") {
      throw new DistArrayError("the source text does not evaluate to a function", {
        code: "DA_ERR_VALUE",
      });
    }
    return fn as EngineFunction;
  };
}

/**
 * The `comm` a shipped function sees: the op's communicator, made on first use (most
 * functions never use it, and making one costs a sort and a tag string per op).
 */
function lazyComm(ectx: EngineContext): object {
  let real: Record<PropertyKey, unknown> | undefined;
  const get = () => {
    real ??= ectx.comm() as unknown as Record<PropertyKey, unknown>;
    return real;
  };
  return new Proxy(Object.create(null) as object, {
    get(_t, p) {
      const c = get();
      const v = c[p];
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(c) : v;
    },
    has: (_t, p) => p in get(),
    getPrototypeOf: () => Object.getPrototypeOf(get()),
  });
}

function scopeFor(ectx: EngineContext, resultKey: string): Scope {
  let n = 0;
  const comm = lazyComm(ectx);
  return {
    da: core,
    comm,
    rank: ectx.rank,
    proxyize(value: unknown): string {
      const key = `${resultKey}p${n++}`;
      ectx.registry.set(key, value);
      return key;
    },
  } as Scope;
}

function resolveArgs(ectx: EngineContext, op: OpInput): unknown[] {
  const raw = unpackValue(op.args.args ?? [], op.buffers);
  if (!Array.isArray(raw)) throw new TypeError("args.args must be an array");
  return raw.map((a) => {
    if (typeof a === "object" && a !== null && !ArrayBuffer.isView(a)) {
      const k = (a as Record<string, unknown>)[KEY_ARGUMENT];
      if (typeof k === "string" && Object.keys(a).length === 1) {
        const stored = ectx.registry.get(k);
        // A view (core/view.ts) arrives as a LocalArray copy of its elements (read-only use).
        const v =
          stored instanceof core.LocalView
            ? new core.LocalArray(stored.distribution, stored.dtype, stored.toContiguous())
            : stored;
        // A LocalArray argument gets `comm`: collectives over the op's targets (its engines).
        if (v instanceof core.LocalArray) v.comm = ectx.comm() as unknown as core.LocalComm;
        return v;
      }
    }
    return a;
  });
}

interface LocalArrayLike {
  data: ArrayBufferView;
  dtype: unknown;
  globalShape?: unknown;
  localShape?: unknown;
  __distarray__(): { dim_data: unknown };
}

function isLocalArrayLike(x: unknown): x is LocalArrayLike {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { __distarray__?: unknown }).__distarray__ === "function" &&
    ArrayBuffer.isView((x as { data?: unknown }).data)
  );
}

/**
 * Calls `fn` and packs its result; a function that returns a Promise (or other thenable) is
 * waited for, any other result is packed at once (the op then finishes synchronously).
 */
function runAndPack(
  ectx: EngineContext,
  fn: EngineFunction,
  args: unknown[],
  resultKey: string,
): OpOutput | Promise<OpOutput> {
  const value = fn(...args);
  if (typeof (value as { then?: unknown } | null)?.then === "function")
    return Promise.resolve(value).then((v) => packResult(ectx, v, resultKey));
  return packResult(ectx, value, resultKey);
}

function packResult(ectx: EngineContext, value: unknown, resultKey: string): OpOutput {
  if (isLocalArrayLike(value)) {
    ectx.registry.set(resultKey, value);
    const info = {
      key: resultKey,
      dtype: value.dtype,
      globalShape: value.globalShape,
      localShape: value.localShape,
      dimData: value.__distarray__().dim_data,
    };
    const packed = packValue({ [LOCAL_ARRAY_RESULT]: info });
    return { result: packed.skeleton, buffers: packed.buffers };
  }
  const packed = packValue(value === undefined ? null : value);
  return { result: packed.skeleton, buffers: packed.buffers };
}

function resultKeyOf(op: OpInput): string {
  const k = op.args.resultKey;
  if (typeof k !== "string") throw new TypeError("args.resultKey must be a string");
  return k;
}

registerOp({
  name: "apply",
  kind: "request",
  handle(ectx, op) {
    const resultKey = resultKeyOf(op);
    const fn = compile(op.args.source as string)(scopeFor(ectx, resultKey));
    return runAndPack(ectx, fn, resolveArgs(ectx, op), resultKey);
  },
});

registerOp({
  name: "register",
  kind: "pipelined",
  handle(ectx, op) {
    const name = op.args.name;
    if (typeof name !== "string") throw new TypeError("register needs args.name: string");
    const factory = compile(op.args.source as string);
    // The scope of a registered function is bound per call (its comm is the call's).
    ectx.functions.set(name, factory as unknown as EngineFunction);
    return undefined;
  },
});

registerOp({
  name: "call",
  kind: "request",
  handle(ectx, op) {
    const name = op.args.name;
    if (typeof name !== "string") throw new TypeError("call needs args.name: string");
    const factory = ectx.functions.get(name) as ((s: Scope) => EngineFunction) | undefined;
    if (!factory) {
      throw new DistArrayError(`no function registered as '${name}' on engine ${ectx.rank}`, {
        code: "DA_ERR_VALUE",
        rank: ectx.rank,
      });
    }
    const resultKey = resultKeyOf(op);
    return runAndPack(ectx, factory(scopeFor(ectx, resultKey)), resolveArgs(ectx, op), resultKey);
  },
});
