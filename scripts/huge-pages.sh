#!/bin/sh
# Runs a command with transparent huge pages for its large malloc blocks:
#   sh scripts/huge-pages.sh <command> [args...]
# glibc.malloc.hugetlb=1 has glibc's malloc ask the kernel for 2 MiB pages (madvise
# MADV_HUGEPAGE) on the memory it maps for blocks of 2 MiB and more, which is where Node keeps
# large ArrayBuffers, so first touching them costs one page fault per 2 MiB instead of one per
# 4 KiB. glibc reads GLIBC_TUNABLES only when a process starts, hence this wrapper. The tunable
# goes in front of a GLIBC_TUNABLES already set (glibc applies the entries in order, so a value
# set there, such as glibc.malloc.hugetlb=0, wins), and the value the command was given is kept
# in DISTARRAY_USER_GLIBC_TUNABLES: the Jupyter kernel and the benchmark put it back into their
# environment at start (restoreUserGlibcTunables), so the processes they start get it unchanged.
# exec keeps the process ID, so signals sent to this process reach the command.
export DISTARRAY_USER_GLIBC_TUNABLES="${GLIBC_TUNABLES-}"
export GLIBC_TUNABLES="glibc.malloc.hugetlb=1${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}"
exec "$@"
