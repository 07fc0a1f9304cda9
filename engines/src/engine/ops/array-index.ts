// Loads every array op group, registering its handlers (imported once from ops/index.ts).
import "./array-create.js";
import "./array-elements.js";
import "./array-math.js";
import "./array-reduce.js";
