#!/usr/bin/python3
"""Writes the small NumPy .npy fixtures used by test/data/npy.test.ts into fixtures/npy/.

Run with a Python that has NumPy (on the dev machine: /usr/bin/python3):
    /usr/bin/python3 scripts/make_npy_fixtures.py
Every file's expected values are simple formulas, restated in expected.json.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'npy')
os.makedirs(OUT, exist_ok=True)


def path(name):
    return os.path.join(OUT, name)


base = (np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5) * 0.25  # exact in f2/f4/f8
expected = {}


def save(name, arr, values=None, version=None):
    p = path(name)
    if version is None:
        np.save(p, arr)
    else:
        with open(p, 'wb') as f:
            np.lib.format.write_array(f, arr, version=version)
    if values is not None:
        expected[name] = {'shape': list(np.shape(values)), 'data': np.asarray(values, np.float64).ravel().tolist()}


save('f8_2d.npy', base, base)
save('f4_2d.npy', base.astype(np.float32), base)
save('f2_2d.npy', base.astype(np.float16), base)
ints = np.array([[-3, 0, 7], [2**40, -(2**40), 1]], dtype=np.int64)
save('i8_2d.npy', ints, ints)
save('i4_2d.npy', ints[:1].astype(np.int32), ints[:1])
u = np.array([0, 1, 128, 255], dtype=np.uint8)
save('u1_1d.npy', u, u)
v = np.linspace(-1.0, 1.0, 7)
save('f8_1d.npy', v, v)
cube = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8.0
save('f8_3d.npy', cube, cube)
save('f8_v2.npy', base, base, version=(2, 0))
save('f8_v3.npy', base, base, version=(3, 0))
scalar = np.float64(2.5)
save('f8_scalar.npy', np.array(scalar), np.array(scalar))
save('f8_empty.npy', np.zeros((0, 5)), np.zeros((0, 5)))

# Fortran (column-major) order and big-endian dtypes (astropy's arrays are big-endian): read as C order, native.
save('fortran.npy', np.asfortranarray(base), base)
save('fortran_3d.npy', np.asfortranarray(cube), cube)
save('big_endian.npy', base.astype('>f8'), base)
save('big_endian_i4.npy', ints[:1].astype('>i4'), ints[:1])

# Files that must be rejected.
save('complex.npy', base.astype(np.complex128))
with open(path('f8_2d.npy'), 'rb') as f:
    whole = f.read()
with open(path('truncated.npy'), 'wb') as f:
    f.write(whole[:-13])
with open(path('bad_magic.npy'), 'wb') as f:
    f.write(b'\x93NUMPX' + whole[6:])

with open(path('expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
print('wrote', len(os.listdir(OUT)), 'files to', os.path.normpath(OUT))
