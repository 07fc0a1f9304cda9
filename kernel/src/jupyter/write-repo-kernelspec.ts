/** `npm run build` step (kernel workspace): writes the repo-local kernelspec under build/jupyter/. */
import { writeRepoKernelSpec } from "./kernelspec.js";

const dir = writeRepoKernelSpec();
process.stdout.write(`kernelspec written to ${dir}\n`);
