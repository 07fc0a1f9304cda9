/**
 * Transparent huge pages for the client's large buffers. A process that starts with
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1 has glibc's malloc ask Linux for 2 MiB pages on the
 * blocks it maps for allocations of 2 MiB and more, where Node keeps large ArrayBuffers (an
 * array `toArray` receives, one `fromArray` is given). Where the kernel gives huge pages only on
 * request ("madvise" in /sys/kernel/mm/transparent_hugepage/enabled, a common default) and page
 * faults are slow (virtual machines), first touching fresh memory is then many times faster:
 * filling a fresh 256 MiB Float64Array took about 1 s without it and 22-42 ms with it (after a
 * first fill of about 0.5 s) on a 2-vCPU VM, and `toArray` of 256 MiB ran 3-7x faster.
 *
 * scripts/huge-pages.sh starts a command with the tunable added to the GLIBC_TUNABLES it was
 * given; the Jupyter kernel (its kernelspec) and `npm run bench` start through it. Both call
 * restoreUserGlibcTunables first, so that engines, the NumPy baseline and a notebook's own
 * subprocesses get the user's environment as it was. Engines are left without the tunable:
 * their large arrays live in a WebAssembly heap, which glibc does not allocate, and with it an
 * idle engine was often 5-7 MiB larger (glibc also asks for huge pages for its small-object
 * heap).
 */

/** Where scripts/huge-pages.sh keeps the GLIBC_TUNABLES it was given ("" for none). */
export const USER_GLIBC_TUNABLES_ENV = "DISTARRAY_USER_GLIBC_TUNABLES";

/**
 * Puts back into `env` the GLIBC_TUNABLES scripts/huge-pages.sh was given (glibc has read the
 * variable already, so this process keeps its huge pages); nothing if not started through it.
 */
export function restoreUserGlibcTunables(env: NodeJS.ProcessEnv = process.env): void {
  const user = env[USER_GLIBC_TUNABLES_ENV];
  if (user === undefined) return;
  delete env[USER_GLIBC_TUNABLES_ENV];
  if (user) env.GLIBC_TUNABLES = user;
  else delete env.GLIBC_TUNABLES;
}
