#!/usr/bin/python3
"""Interop fixtures and checks for DistArray's IO tests (run with Debian's /usr/bin/python3,
which has numpy, h5py and zarr 2).

  io-interop.py make DIR
      Writes seeded arrays of every dtype in every format Python produces: .npy (format
      versions 1.0, 2.0, 3.0, and a Fortran-order and a big-endian file), HDF5 (h5py),
      Zarr v2 (zarr-python, default Blosc compression, and uncompressed), and .dnpy files
      laid out as DistArray's save_dnpy writes them. Next to each array, NAME.raw holds
      its little-endian C-order bytes. Prints a JSON manifest.

  io-interop.py verify MANIFEST.json
      Reads the files the TypeScript side wrote (listed in the manifest with their raw
      bytes) with numpy / h5py / zarr and checks they hold identical arrays. Prints JSON
      {"ok": bool, "checked": n, "failures": [...]}.
"""
import io
import json
import os
import sys

import numpy as np

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
          "uint64", "float32", "float64", "complex64", "complex128"]
SHAPES = {"1d": (7,), "2d": (5, 9), "3d": (3, 4, 5)}
SEED = 20140604


def make_array(rng, dtype, shape):
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        a = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    elif dt.kind == "f":
        a = rng.standard_normal(n).astype(dt)
    else:
        a = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    return a.reshape(shape)


def raw_bytes(a):
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()


def dnpy_header(dim_data):
    # DistArray localapi/format.py: magic, (1, 0), uint16 LE length, dict text padded to 16.
    d = {"__version__": "0.10.0", "dim_data": dim_data}
    text = "{" + "".join("'%s': %r, " % (k, d[k]) for k in sorted(d)) + "}"
    topad = 16 - ((8 + 2 + len(text) + 1) % 16)
    text = text + " " * topad + "\n"
    return b"\x93DARRY" + bytes([1, 0]) + len(text).to_bytes(2, "little") + text.encode("latin1")


def write_dnpy_block(prefix, a, nranks):
    """save_dnpy of `a` distributed by block on axis 0 over `nranks` (other axes 'n')."""
    n = a.shape[0]
    k = -(-n // nranks)
    for r in range(nranks):
        start = min(r * k, n)
        stop = min(start + k, n)
        dims = [{"dist_type": "b", "size": n, "proc_grid_rank": r, "proc_grid_size": nranks,
                 "start": start, "stop": stop}]
        for s in a.shape[1:]:
            dims.append({"dist_type": "b", "size": s, "proc_grid_rank": 0, "proc_grid_size": 1,
                         "start": 0, "stop": s})
        buf = io.BytesIO()
        np.save(buf, a[start:stop])
        with open("%s_%d.dnpy" % (prefix, r), "wb") as f:
            f.write(dnpy_header(tuple(dims)))
            f.write(buf.getvalue())


def make(out):
    import h5py
    import zarr
    from numpy.lib import format as npf

    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    manifest = []
    h5 = h5py.File(os.path.join(out, "all.h5"), "w")
    for dtype in DTYPES:
        for sname, shape in SHAPES.items():
            name = "%s_%s" % (dtype, sname)
            a = make_array(rng, dtype, shape)
            p = lambda ext: os.path.join(out, name + ext)
            with open(p(".raw"), "wb") as f:
                f.write(raw_bytes(a))
            np.save(p(".npy"), a)
            for version in ((2, 0), (3, 0)):
                with open(p("_v%d.npy" % version[0]), "wb") as f:
                    npf.write_array(f, a, version=version)
            h5[name] = a
            zarr.save_array(p(".zarr"), a, chunks=tuple(max(1, s // 2) for s in shape))
            zarr.save_array(p("_raw.zarr"), a, chunks=shape, compressor=None)
            write_dnpy_block(p(""), a, 3)
            manifest.append({"name": name, "dtype": dtype, "shape": list(shape)})
    h5.close()
    # Odd cases: Fortran order, big-endian.
    a = make_array(rng, "float64", (4, 6))
    np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(a))
    with open(os.path.join(out, "fortran.raw"), "wb") as f:
        f.write(raw_bytes(a))
    b = make_array(rng, "int32", (6, 4))
    np.save(os.path.join(out, "bigendian.npy"), b.astype(">i4"))
    with open(os.path.join(out, "bigendian.raw"), "wb") as f:
        f.write(raw_bytes(b))
    print(json.dumps({"seed": SEED, "arrays": manifest}))


def load(entry):
    kind = entry["kind"]
    path = entry["path"]
    if kind == "npy":
        return np.load(path, allow_pickle=False)
    if kind == "dnpy":
        # DistArray's load_dnpy: check magic and header, then np.load the rest.
        parts = []
        for p in entry["files"]:
            with open(p, "rb") as f:
                data = f.read()
            assert data[:6] == b"\x93DARRY" and data[6:8] == bytes([1, 0]), p
            hlen = int.from_bytes(data[8:10], "little")
            import ast
            header = ast.literal_eval(data[10:10 + hlen].decode("latin1"))
            assert sorted(header) == ["__version__", "dim_data"], header
            assert isinstance(header["dim_data"], tuple)
            local = np.load(io.BytesIO(data[10 + hlen:]), allow_pickle=False)
            parts.append((header["dim_data"], local))
        return assemble(parts, entry)
    if kind == "hdf5":
        import h5py
        with h5py.File(path, "r") as f:
            return f[entry.get("key", "buffer")][...]
    if kind == "zarr":
        import zarr
        return zarr.open_array(path, mode="r")[...]
    raise ValueError(kind)


def assemble(parts, entry):
    out = np.zeros(entry["shape"], dtype=entry["dtype"])
    for dim_data, local in parts:
        idx = []
        for dd in dim_data:
            t = dd["dist_type"]
            if t == "b":
                idx.append(np.arange(dd["start"], dd["stop"]))
            elif t == "c":
                bs = dd.get("block_size", 1)
                p = dd["proc_grid_size"]
                g = np.arange(dd["size"])
                idx.append(g[(g // bs) % p == dd["proc_grid_rank"]])
            elif t == "u":
                idx.append(np.asarray(dd["indices"], dtype=np.int64))
            else:
                raise ValueError(t)
        out[np.ix_(*idx)] = local
    return out


def verify(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    failures = []
    for entry in manifest:
        try:
            got = load(entry)
            with open(entry["raw"], "rb") as f:
                want = np.frombuffer(f.read(), dtype=np.dtype(entry["dtype"]).newbyteorder("<"))
            want = want.reshape(entry["shape"])
            if entry.get("boolAsInt8") and entry["dtype"] == "bool" and got.dtype == np.int8:
                got = got.astype(bool)
            if got.dtype != np.dtype(entry["dtype"]):
                failures.append({"entry": entry, "why": "dtype %s" % got.dtype})
            elif got.shape != want.shape:
                failures.append({"entry": entry, "why": "shape %s" % (got.shape,)})
            elif not np.array_equal(got, want, equal_nan=got.dtype.kind in "fc"):
                failures.append({"entry": entry, "why": "values differ"})
        except Exception as e:  # report, do not stop
            failures.append({"entry": entry, "why": "%s: %s" % (type(e).__name__, e)})
    print(json.dumps({"ok": not failures, "checked": len(manifest), "failures": failures}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "verify":
        verify(sys.argv[2])
    else:
        sys.exit(__doc__)
