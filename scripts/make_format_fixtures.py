#!/usr/bin/env python3
"""Small files in the formats awd reads, written by NumPy, h5py and astropy (fixtures/formats/).

Run: /usr/bin/python3 scripts/make_format_fixtures.py   (Debian: python3-numpy python3-h5py python3-astropy)

Every file holds arrays derived from one reference array per case; the expected float64 values
are saved next to them as <case>.expected.npy (written by NumPy), so the tests compare what our
readers return with what NumPy computed, value by value.
"""
import json
import os

import h5py
import numpy as np
from astropy.io import fits

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'formats')
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(13)

signals = rng.standard_normal((5, 16))            # n x length
images = rng.standard_normal((3, 8, 6))          # n x rows x cols
grads = rng.standard_normal((5, 16)) * 0.1
manifest = {}


def expected(case, arr):
    np.save(os.path.join(OUT, f'{case}.expected.npy'), np.asarray(arr, dtype=np.float64))
    manifest[case] = {'shape': list(np.shape(arr))}


# --- NumPy: .npz stored and compressed, several dtypes --------------------------------------
np.savez(os.path.join(OUT, 'numpy_savez.npz'), X=signals, G=grads, y=np.arange(5, dtype=np.int32))
expected('numpy_savez.X', signals)
expected('numpy_savez.G', grads)
expected('numpy_savez.y', np.arange(5))
np.savez_compressed(os.path.join(OUT, 'numpy_compressed.npz'), maps=images.astype(np.float32))
expected('numpy_compressed.maps', images.astype(np.float32))
np.savez(os.path.join(OUT, 'numpy_single.npz'), signals)  # one array, key arr_0
expected('numpy_single.arr_0', signals)

# --- h5py: nested groups, float32, big-endian integers, a chunked gzip dataset ----------------
with h5py.File(os.path.join(OUT, 'h5py.h5'), 'w') as f:
    f.create_dataset('train/X', data=signals)
    f.create_dataset('train/G', data=grads.astype(np.float32))
    f.create_dataset('labels', data=np.arange(6, dtype='>i2').reshape(2, 3))
    f.create_dataset('maps/kappa', data=images, chunks=(1, 8, 6), compression='gzip')
    f.create_dataset('name', data='not numbers')
expected('h5py.train_X', signals)
expected('h5py.train_G', grads.astype(np.float32))
expected('h5py.labels', np.arange(6).reshape(2, 3))
expected('h5py.maps_kappa', images)
with h5py.File(os.path.join(OUT, 'h5py_single.h5'), 'w') as f:
    f.create_dataset('only', data=images)
expected('h5py_single', images)

# --- astropy: FITS primary images and cubes, every BITPIX, BSCALE/BZERO, BLANK, extensions ----
fits.PrimaryHDU(images).writeto(os.path.join(OUT, 'astropy_cube_f64.fits'), overwrite=True)      # BITPIX -64
expected('astropy_cube_f64', images)
fits.PrimaryHDU(images[0].astype(np.float32)).writeto(os.path.join(OUT, 'astropy_image_f32.fits'), overwrite=True)  # -32
expected('astropy_image_f32', images[0].astype(np.float32))
ints = (np.arange(48).reshape(6, 8) * 1000 - 20000).astype(np.int32)
fits.PrimaryHDU(ints).writeto(os.path.join(OUT, 'astropy_image_i32.fits'), overwrite=True)       # 32
expected('astropy_image_i32', ints)
i64 = (np.arange(12).reshape(3, 4) - 6).astype(np.int64) * 2**40
fits.PrimaryHDU(i64).writeto(os.path.join(OUT, 'astropy_image_i64.fits'), overwrite=True)       # 64
expected('astropy_image_i64', i64)
bytes_ = (np.arange(24).reshape(4, 6) * 10).astype(np.uint8)
fits.PrimaryHDU(bytes_).writeto(os.path.join(OUT, 'astropy_image_u8.fits'), overwrite=True)      # 8
expected('astropy_image_u8', bytes_)
# BITPIX 16 with BSCALE/BZERO: astropy scales floats to int16 (scale_back keeps them).
h = fits.PrimaryHDU(images[1].copy())
h.scale('int16', 'minmax')
h.writeto(os.path.join(OUT, 'astropy_scaled_i16.fits'), overwrite=True)
hdr = fits.getheader(os.path.join(OUT, 'astropy_scaled_i16.fits'))
with fits.open(os.path.join(OUT, 'astropy_scaled_i16.fits'), do_not_scale_image_data=True) as hl:
    # The FITS definition, in float64 (astropy's own scaled view is float32).
    expected('astropy_scaled_i16', hdr['BZERO'] + hdr['BSCALE'] * hl[0].data.astype(np.float64))
hdr = fits.getheader(os.path.join(OUT, 'astropy_scaled_i16.fits'))
assert hdr['BITPIX'] == 16 and hdr['BSCALE'] != 1
manifest['astropy_scaled_i16'].update(bitpix=hdr['BITPIX'], bscale=float(hdr['BSCALE']), bzero=float(hdr['BZERO']))
# Unsigned 16-bit: BITPIX 16 with BZERO 32768.
u16 = (np.arange(20).reshape(4, 5) * 3000).astype(np.uint16)
fits.PrimaryHDU(u16).writeto(os.path.join(OUT, 'astropy_u16.fits'), overwrite=True)
expected('astropy_u16', u16)
# BLANK: integer null values read as NaN.
blank = np.arange(12, dtype=np.int16).reshape(3, 4)
hb = fits.PrimaryHDU(blank)
hb.header['BLANK'] = 5
hb.writeto(os.path.join(OUT, 'astropy_blank.fits'), overwrite=True)
e = blank.astype(np.float64)
e[blank == 5] = np.nan
expected('astropy_blank', e)
# An empty primary HDU, a binary table, then two IMAGE extensions (the second named 'GRADS').
table = fits.BinTableHDU.from_columns([fits.Column(name='a', format='D', array=np.arange(3.0))], name='META')
hl = fits.HDUList([fits.PrimaryHDU(), table, fits.ImageHDU(images, name='MAPS'), fits.ImageHDU(images * 0.5, name='GRADS')])
hl.writeto(os.path.join(OUT, 'astropy_extensions.fits'), overwrite=True)
expected('astropy_extensions.MAPS', images)
expected('astropy_extensions.GRADS', images * 0.5)

# A tile-compressed image (a BINTABLE with ZIMAGE = T): not read; the error says how to decompress it.
fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(images[0])]).writeto(os.path.join(OUT, 'astropy_compressed.fits'), overwrite=True)

# --- CSV with a header, as NumPy writes it ---------------------------------------------------
np.savetxt(os.path.join(OUT, 'numpy.csv'), signals, delimiter=',', header=','.join(f't{i}' for i in range(16)), comments='', fmt='%.17g')
expected('numpy_csv', signals)

with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
    json.dump({'generator': 'scripts/make_format_fixtures.py', 'numpy': np.__version__, 'h5py': h5py.__version__,
               'astropy': __import__('astropy').__version__, 'cases': manifest}, f, indent=1, sort_keys=True)
print(f'wrote {len(manifest)} cases to {os.path.normpath(OUT)}')
