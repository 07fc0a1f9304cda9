// The public client API: `import * as da from "distarray"`.
export * from "@distarray/engines/core";
