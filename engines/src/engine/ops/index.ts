// Loads every op group; each file registers its ops with registerOp (op-types.ts) when
// imported. Add one import line per new ops/*.ts file.
import "./core-basic.js";
import "./core-apply.js";
