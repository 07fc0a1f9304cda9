// The pure core: no Node built-ins, no I/O, no timers. Runs in a browser, an engine
// and a test alike. Each module below is one concern; this file only re-exports.

export * from "./cast.js";
export * from "./dap.js";
export * from "./dap-validate.js";
export * from "./distribution.js";
export * from "./dtypes.js";
export * from "./errors.js";
export * from "./float-format.js";
export * from "./grid.js";
export * from "./index-parse.js";
export * from "./local-array.js";
export * from "./local-distribution.js";
export * from "./maps.js";
export * from "./maps-build.js";
export * from "./maps-local.js";
export * from "./memo.js";
export * from "./ndarray.js";
export * from "./ndarray-format.js";
export * from "./random.js";
export * from "./redistribute-plan.js";
export * from "./reductions.js";
export * from "./shape.js";
export * from "./strided.js";
export * from "./ufunc-loops.js";
export * from "./ufunc-table.js";
export * from "./view.js";
