/**
 * The multi-MIME display bundle of a process map: our own MIME type for the JupyterLab
 * renderer, plus `image/svg+xml`, `text/html` and `text/plain` fallbacks for frontends
 * without it (nbconvert, GitHub, nbviewer, a console).
 */
import { PROCMAP_MIME, type ProcmapPayload } from "./procmap-schema.js";
import {
  type ProcmapSvgOptions,
  procmapToHtml,
  procmapToSvg,
  procmapToText,
} from "./procmap-svg.js";

/** A display_data `data` dict: MIME type to content. */
export type MimeBundle = Record<string, unknown>;

/** Builds every representation of a process map. */
export function procmapBundle(
  payload: ProcmapPayload,
  options: ProcmapSvgOptions = {},
): MimeBundle {
  return {
    [PROCMAP_MIME]: payload,
    "image/svg+xml": procmapToSvg(payload, options),
    "text/html": procmapToHtml(payload, options),
    "text/plain": procmapToText(payload),
  };
}
