// The pure core: no Node built-ins, no I/O, no timers. Runs in a browser, an engine
// and a test alike. Each module below is one concern; this file only re-exports.
export * from "./dtypes.js";
export * from "./errors.js";
export * from "./random.js";
export * from "./grid.js";
export * from "./dap.js";
export * from "./dap-validate.js";
export * from "./maps-local.js";
export * from "./maps.js";
export * from "./maps-build.js";
export * from "./distribution.js";
export * from "./local-distribution.js";
