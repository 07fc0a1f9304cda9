// @distarray/engines: the pure core plus the engine process pieces.
export * from "./core/index.js";
