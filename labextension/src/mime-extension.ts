// Entry point of the mime extension (bundled in our app, or loaded as a federated extension).
import { procmapExtension } from "./procmap-renderer.js";

export default procmapExtension;
