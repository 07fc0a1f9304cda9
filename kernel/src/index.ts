// The public client API: `import * as da from "distarray"`.
export * from "@distarray/engines/core";
export type { ClusterStatusRow, StartClusterOptions } from "./cluster/cluster.js";
export {
  clearCluster,
  clusterStatus,
  restartCluster,
  startCluster,
  stopCluster,
} from "./cluster/cluster.js";
export type {
  ApplyOptions,
  ContextConnectOptions,
  ContextStartOptions,
  EngineStatus,
  OpReply,
  OpRequestOptions,
  OpSendOptions,
} from "./context.js";
export { Context, countRoundTrips } from "./context.js";
export type { Hdf5Mode, LoadHdf5Options, SaveHdf5Options, SaveZarrOptions } from "./io.js";
export { defaultChunks } from "./io-chunks.js";
export { type IoProgress, type IoProgressHandler, setIoProgressHandler } from "./io-progress.js";

import "./io.js";

export {
  type AlignedOperand,
  type AlignedOperands,
  alignOperands,
  broadcastLayout,
  broadcastShapeOf,
} from "./broadcast.js";
export {
  type CreateOptions,
  type DistOrShape,
  type FromArrayOptions,
  type LayoutOptions,
  resolveDistribution,
} from "./context-arrays.js";
export { DistArray, type DistArrayInit, type UfuncMethods } from "./distarray.js";
export {
  type AdvancedIndexing,
  assignToView,
  setAdvancedIndexing,
  viewOf,
} from "./distarray-index.js";
export { normalizeReductionAxes, type ReductionOptions } from "./distarray-reduce.js";
export {
  DEFAULT_MAX_VALUE_FETCH,
  type PlotArrayDistributionOptions,
  plotArrayDistribution,
  processAssignment,
} from "./plot/plot-array-distribution.js";
export { type NormalOptions, Random } from "./random.js";
export * from "./ufuncs.js";
export * as widgets from "./widgets/index.js";

import "./distarray-index-methods.js";

export {
  type ArgReductionOptions,
  type BoolReductionOptions,
  type FancyIndex,
  isFancyIndex,
} from "./distarray-fancy.js";
export type { RedistributeSpec, TakeOptions } from "./distarray-redistribute.js";
export { where } from "./where.js";
