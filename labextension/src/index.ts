// The package entry: the process-map renderer and its mime extension.
export { buildFigure, DEFAULT_SIZES, type FigureSizes } from "./procmap-figure.js";
export {
  ProcmapRenderer,
  procmapExtension,
  procmapRendererFactory,
  renderProcmap,
} from "./procmap-renderer.js";
