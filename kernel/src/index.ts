// The public client API: `import * as da from "distarray"`.
export * from "@distarray/engines/core";
export { Context, countRoundTrips } from "./context.js";
export type {
  ApplyOptions,
  ContextConnectOptions,
  ContextStartOptions,
  OpReply,
  OpRequestOptions,
  OpSendOptions,
} from "./context.js";
export {
  clearCluster,
  clusterStatus,
  restartCluster,
  startCluster,
  stopCluster,
} from "./cluster/cluster.js";
export type { ClusterStatusRow, StartClusterOptions } from "./cluster/cluster.js";
export type { Hdf5Mode, LoadHdf5Options, SaveHdf5Options, SaveZarrOptions } from "./io.js";
export { defaultChunks } from "./io-chunks.js";
export { type IoProgress, type IoProgressHandler, setIoProgressHandler } from "./io-progress.js";
import "./io.js";
