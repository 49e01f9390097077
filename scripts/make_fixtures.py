#!/usr/bin/env python3
"""Write the PyWavelets reference fixtures under fixtures/pywt/ used by test/wavelets/*.test.ts.

Run with the Debian python that has PyWavelets 1.1.1:  /usr/bin/python3 scripts/make_fixtures.py
Deterministic: the random inputs come from numpy's default_rng(SEED) and are stored in the
fixtures too. Numbers are written by json with repr(), the shortest decimal that round-trips to
the same float64 (at most 17 significant digits), so the fixtures are exact.

Files (all arrays are plain JSON lists; 2D arrays are row-major flat lists with their shape):
  filters.json   dec_lo, dec_hi, rec_lo, rec_hi of every discrete family (106).
  dwt1d.json     dwt / idwt / dwt_coeff_len / wavedec / waverec, wavelets x modes x lengths.
  dwt2d.json     dwt2 / idwt2 / wavedec2 / waverec2, wavelets x modes x shapes.
  dwt1d_more.json, dwt2d_more.json  the same for biorthogonal wavelets in every mode and for the
                 modes smooth, antisymmetric, antireflect.
  families.json  dwt of every family in every mode at lengths 7 and 16.
  swt.json       swt / iswt / swt2 / iswt2 with level, start_level, trim_approx, norm.
  packets.json   WaveletPacket / WaveletPacket2D: get_level (natural, freq), node data, reconstruct.
  axis.json      wavedec / waverec / swt of 3D arrays along an axis.
  nd.json        dwtn / idwtn / wavedecn / waverecn of a 3D volume.
  sweep.json     every family x every mode: wavedec / waverec and packets at lengths 7 and 16,
                 dwt2 / idwt2 / wavedec2 / waverec2 and 2D packets of a 5 x 6 image; every family:
                 swt / iswt (lengths 8, 16; 7 is refused) and swt2 / iswt2 (4 x 8; 5 x 6 refused). Arrays are
                 stored as their shape and two projections on a stored random probe (the full
                 arrays of the 2D cases with long filters would take ~100 MB).
  wavefun.json   Wavelet(name).wavefun(level): phi, psi, x.
  distance.json  the reference (awave) wavelet distance for a few pairs of filters.
"""
import json
import os
import sys
import warnings

try:
    import numpy as np
    import pywt
except ImportError as e:  # plain `python3` may be a pyenv build without PyWavelets
    sys.exit(f'{e}: run this script with a python that has PyWavelets 1.1.1, e.g. /usr/bin/python3')

SEED = 20211206
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT = os.path.join(ROOT, 'fixtures', 'pywt')

NAMES = pywt.wavelist(kind='discrete')  # every discrete family (106 in PyWavelets 1.1.1)
MODES = ['zero', 'constant', 'symmetric', 'reflect', 'periodic', 'periodization']
NEW_MODES = ['smooth', 'antisymmetric', 'antireflect']
ALL_MODES = MODES + NEW_MODES
# dwt1d_more.json / dwt2d_more.json: biorthogonal wavelets in every mode, and the new modes.
MORE_1D = [(w, m) for w in ['bior2.2', 'rbio3.1', 'bior4.4'] for m in ALL_MODES] + \
          [(w, m) for w in ['haar', 'db2', 'db5', 'sym4'] for m in NEW_MODES]
MORE_2D = [(w, m) for w in ['bior2.2'] for m in ALL_MODES] + \
          [(w, m) for w in ['haar', 'db2', 'rbio3.1'] for m in NEW_MODES]
SHAPES_2D_MORE = [(8, 8), (13, 10), (7, 20)]
FAMILY_LENGTHS = [7, 16]
WAVELETS_1D = ['haar', 'db2', 'db5', 'sym4', 'coif2', 'db10']
LENGTHS_1D = [1, 2, 5, 8, 13, 16, 33, 64]
WAVELETS_2D = ['haar', 'db2', 'db5', 'sym4']
SHAPES_2D = [(8, 8), (13, 10), (16, 16), (7, 20)]
WAVEFUN = ['db2', 'db5', 'sym5', 'coif2', 'haar']
WAVEFUN_LEVELS = [3, 4, 5, 6]


def lst(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def arr2(a):
    a = np.asarray(a, dtype=np.float64)
    assert a.ndim == 2
    return {'rows': int(a.shape[0]), 'cols': int(a.shape[1]), 'data': lst(a)}


def call(fn, *args, **kw):
    """(result, warned, error): PyWavelets' result, whether it warned, or its error message."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            res = fn(*args, **kw)
        except Exception as e:  # recorded: the engine must throw where PyWavelets raises
            return None, False, f'{type(e).__name__}: {e}'
    return res, len(caught) > 0, None


HANG = ('PyWavelets 1.1.1 never returns (its C code loops forever) when mode reflect or antireflect '
        'extends a length-1 signal; the engine should throw instead')


def hangs(n, filter_len, mode, level):
    """True where PyWavelets would dwt a length-1 array in mode (anti)reflect within `level` levels."""
    for _ in range(level):
        if mode in ('reflect', 'antireflect') and n == 1:
            return True
        n = pywt.dwt_coeff_len(n, filter_len, mode)
    return False


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    os.replace(tmp, path)
    print(f'{path}: {os.path.getsize(path) / 1e6:.2f} MB')


def meta(what):
    return {'generator': 'scripts/make_fixtures.py', 'pywt_version': pywt.__version__,
            'numpy_version': np.__version__, 'seed': SEED, 'what': what}


def filters():
    fams = {}
    for name in NAMES:
        w = pywt.Wavelet(name)
        fams[name] = {'dec_lo': lst(w.dec_lo), 'dec_hi': lst(w.dec_hi),
                      'rec_lo': lst(w.rec_lo), 'rec_hi': lst(w.rec_hi)}
    write('filters.json', {'meta': meta('pywt.Wavelet(name) filters of every built-in family'),
                           'names': NAMES, 'filters': fams})


def dwt1d(rng, pairs=None, name='dwt1d.json'):
    signals = {str(n): lst(rng.standard_normal(n)) for n in LENGTHS_1D}
    cases = []
    if pairs is None:
        pairs = [(w, m) for w in WAVELETS_1D for m in MODES]
    for wname, mode in pairs:
        w = pywt.Wavelet(wname)
        if True:
            for n in LENGTHS_1D:
                x = np.array(signals[str(n)])
                case = {'wavelet': wname, 'mode': mode, 'n': n, 'filterLen': w.dec_len,
                        'coeffLen': int(pywt.dwt_coeff_len(n, w.dec_len, mode)),
                        'maxLevel': int(pywt.dwt_max_level(n, w.dec_len))}
                res, warned, err = (None, False, HANG) if hangs(n, w.dec_len, mode, 1) else call(pywt.dwt, x, w, mode)
                if err:
                    case['dwtError'] = err
                else:
                    cA, cD = res
                    case['cA'], case['cD'] = lst(cA), lst(cD)
                    case['idwt'] = lst(pywt.idwt(cA, cD, w, mode))
                    case['idwtA'] = lst(pywt.idwt(cA, None, w, mode))
                    case['idwtD'] = lst(pywt.idwt(None, cD, w, mode))
                levels = []
                for level in range(1, max(case['maxLevel'], 0) + 2):
                    entry = {'level': level}
                    res, warned, err = ((None, False, HANG) if hangs(n, w.dec_len, mode, level)
                                        else call(pywt.wavedec, x, w, mode, level))
                    if err:
                        entry['error'] = err
                    else:
                        entry['warns'] = warned
                        entry['coeffs'] = [lst(c) for c in res]
                        rec, _, rerr = call(pywt.waverec, res, w, mode)
                        if rerr:
                            entry['waverecError'] = rerr
                        else:
                            entry['waverec'] = lst(rec)
                    levels.append(entry)
                case['wavedec'] = levels
                cases.append(case)
    write(name, {
        'meta': meta('pywt.dwt/idwt/dwt_coeff_len/dwt_max_level/wavedec/waverec; '
                     'idwtA = idwt(cA, None), idwtD = idwt(None, cD); wavedec for levels '
                     '1..maxLevel+1 (warns: PyWavelets warned, as it does above maxLevel); '
                     'waverec is exactly what PyWavelets returns (n+1 samples for some odd n)'),
        'signals': signals, 'cases': cases})


def dwt2d(rng, pairs=None, shapes=SHAPES_2D, name='dwt2d.json'):
    inputs = {f'{r}x{c}': arr2(rng.standard_normal((r, c))) for r, c in shapes}
    cases = []
    if pairs is None:
        pairs = [(w, m) for w in WAVELETS_2D for m in MODES]
    for wname, mode in pairs:
        w = pywt.Wavelet(wname)
        if True:
            for r, c in shapes:
                key = f'{r}x{c}'
                x = np.array(inputs[key]['data']).reshape(r, c)
                max_level = int(min(pywt.dwt_max_level(r, w.dec_len), pywt.dwt_max_level(c, w.dec_len)))
                case = {'wavelet': wname, 'mode': mode, 'input': key, 'rows': r, 'cols': c,
                        'maxLevel': max_level}
                cA, (cH, cV, cD) = pywt.dwt2(x, w, mode)
                case['dwt2'] = {'cA': arr2(cA), 'cH': arr2(cH), 'cV': arr2(cV), 'cD': arr2(cD)}
                case['idwt2'] = arr2(pywt.idwt2((cA, (cH, cV, cD)), w, mode))
                levels = []
                for level in range(1, max_level + 2):
                    res, warned, err = ((None, False, HANG) if any(hangs(k, w.dec_len, mode, level) for k in (r, c))
                                        else call(pywt.wavedec2, x, w, mode, level))
                    entry = {'level': level}
                    if err:
                        entry['error'] = err
                    else:
                        entry['warns'] = warned
                        entry['approx'] = arr2(res[0])
                        entry['details'] = [{'cH': arr2(h), 'cV': arr2(v), 'cD': arr2(d)} for h, v, d in res[1:]]
                        entry['waverec2'] = arr2(pywt.waverec2(res, w, mode))
                    levels.append(entry)
                case['wavedec2'] = levels
                cases.append(case)
    write(name, {
        'meta': meta('pywt.dwt2 returns (cA, (cH, cV, cD)); wavedec2 returns '
                     '[cA_J, (cH_J, cV_J, cD_J), ..., (cH_1, cV_1, cD_1)], stored as approx and '
                     'details[0] = coarsest level J; levels 1..maxLevel+1 (maxLevel = min over axes); '
                     'waverec2 / idwt2 are exactly what PyWavelets returns (may be one larger than '
                     'the input along odd axes)'),
        'subbands': ['cA', 'cH', 'cV', 'cD'],
        'inputs': inputs, 'cases': cases})


def families(rng):
    signals = {str(n): lst(rng.standard_normal(n)) for n in FAMILY_LENGTHS}
    cases = []
    for wname in NAMES:
        w = pywt.Wavelet(wname)
        for mode in ALL_MODES:
            for n in FAMILY_LENGTHS:
                x = np.array(signals[str(n)])
                case = {'wavelet': wname, 'mode': mode, 'n': n}
                res, _, err = (None, False, HANG) if hangs(n, w.dec_len, mode, 1) else call(pywt.dwt, x, w, mode)
                if err:
                    case['dwtError'] = err
                else:
                    case['cA'], case['cD'] = lst(res[0]), lst(res[1])
                    if mode in ('symmetric', 'periodization') and n == 16:
                        case['idwt'] = lst(pywt.idwt(res[0], res[1], w, mode))
                cases.append(case)
    write('families.json', {
        'meta': meta('pywt.dwt of every discrete family in every mode at lengths 7 and 16 (shorter '
                     'than most filters, odd, even); idwt of those coefficients for symmetric and '
                     'periodization at n = 16'),
        'signals': signals, 'cases': cases})


SWT_WAVELETS = ['haar', 'db2', 'db5', 'bior2.2']
SWT_LENGTHS = [2, 8, 12, 16, 32]
SWT2_WAVELETS = ['haar', 'db2', 'bior2.2']
SWT2_SHAPES = [(8, 8), (8, 4), (4, 12)]


def swt_cases(rng):
    signals = {str(n): lst(rng.standard_normal(n)) for n in SWT_LENGTHS}
    cases = []
    for wname in SWT_WAVELETS:
        for n in SWT_LENGTHS:
            x = np.array(signals[str(n)])
            mx = int(pywt.swt_max_level(n))
            for start in range(0, 2):
                for level in range(1, mx + 2):
                    # trim_approx and norm vary at n = 16 (norm only for orthogonal wavelets)
                    for trim, norm in [(False, False)] + ([(True, False), (False, True), (True, True)] if n == 16 else []):
                        if norm and not pywt.Wavelet(wname).orthogonal:
                            continue
                        if True:
                            case = {'wavelet': wname, 'n': n, 'level': level, 'startLevel': start,
                                    'trimApprox': trim, 'norm': norm, 'maxLevel': mx}
                            res, _, err = call(pywt.swt, x, wname, level, start, -1, trim, norm)
                            if err:
                                case['error'] = err
                            else:
                                if trim:
                                    case['coeffs'] = [lst(c) for c in res]
                                else:
                                    case['levels'] = [{'cA': lst(a), 'cD': lst(d)} for a, d in res]
                                case['iswt'] = lst(pywt.iswt(res, wname, norm=norm))
                            cases.append(case)
    inputs = {f'{r}x{c}': arr2(rng.standard_normal((r, c))) for r, c in SWT2_SHAPES}
    cases2 = []
    for wname in SWT2_WAVELETS:
        for r, c in SWT2_SHAPES:
            x = np.array(inputs[f'{r}x{c}']['data']).reshape(r, c)
            for start in range(0, 2):
                for level in range(1, 4):
                    for trim, norm in [(False, False)] + ([(True, False), (False, True), (True, True)] if (r, c) == (8, 8) else []):
                        if norm and not pywt.Wavelet(wname).orthogonal:
                            continue
                        if True:
                            case = {'wavelet': wname, 'input': f'{r}x{c}', 'rows': r, 'cols': c, 'level': level,
                                    'startLevel': start, 'trimApprox': trim, 'norm': norm}
                            res, _, err = call(pywt.swt2, x, wname, level, start, (-2, -1), trim, norm)
                            if err:
                                case['error'] = err
                            else:
                                if trim:
                                    case['approx'] = arr2(res[0])
                                    case['details'] = [{'cH': arr2(h), 'cV': arr2(v), 'cD': arr2(d)} for h, v, d in res[1:]]
                                else:
                                    case['levels'] = [{'cA': arr2(a), 'cH': arr2(h), 'cV': arr2(v), 'cD': arr2(d)}
                                                      for a, (h, v, d) in res]
                                case['iswt2'] = arr2(pywt.iswt2(res, wname, norm=norm))
                            cases2.append(case)
    write('swt.json', {
        'meta': meta('pywt.swt(x, w, level, start_level, trim_approx=, norm=) -> levels [(cA_n, cD_n), ..., '
                     '(cA_1, cD_1)] (coarsest first) or, with trim_approx, coeffs [cA_n, cD_n, ..., cD_1]; '
                     'iswt of exactly that; swt2 likewise with (cA, (cH, cV, cD)); swt_max_level(n)'),
        'signals': signals, 'cases': cases, 'inputs': inputs, 'cases2': cases2})


WP_CASES = [('db2', 'symmetric', 16), ('db2', 'periodization', 13), ('bior2.2', 'zero', 16), ('haar', 'smooth', 13),
            ('sym3', 'antireflect', 20)]
WP2_CASES = [('db1', 'smooth', 8, 8), ('bior2.2', 'symmetric', 9, 12), ('db2', 'periodization', 8, 6)]


def packets(rng):
    signals = {str(n): lst(rng.standard_normal(n)) for n in sorted({n for _, _, n in WP_CASES})}
    cases = []
    for wname, mode, n in WP_CASES:
        x = np.array(signals[str(n)])
        wp = pywt.WaveletPacket(x, wname, mode)
        case = {'wavelet': wname, 'mode': mode, 'n': n, 'maxlevel': wp.maxlevel, 'levels': []}
        for level in range(1, wp.maxlevel + 1):
            nodes = wp.get_level(level, 'natural')
            case['levels'].append({'level': level, 'natural': [nd.path for nd in nodes],
                                   'freq': [nd.path for nd in wp.get_level(level, 'freq')],
                                   'data': {nd.path: lst(nd.data) for nd in nodes}})
        case['reconstruct'] = lst(wp.reconstruct(update=False))
        # a partial tree: 'ad' removed (zeros in its place), reconstructed
        wp2 = pywt.WaveletPacket(x, wname, mode)
        wp2.get_level(wp2.maxlevel)
        if wp2.maxlevel >= 2:
            del wp2['ad']
            case['reconstructWithoutAd'] = lst(wp2.reconstruct(update=False))
        cases.append(case)
    inputs = {}
    cases2 = []
    for wname, mode, r, c in WP2_CASES:
        key = f'{r}x{c}'
        if key not in inputs:
            inputs[key] = arr2(rng.standard_normal((r, c)))
        x = np.array(inputs[key]['data']).reshape(r, c)
        wp = pywt.WaveletPacket2D(x, wname, mode)
        case = {'wavelet': wname, 'mode': mode, 'input': key, 'rows': r, 'cols': c, 'maxlevel': wp.maxlevel, 'levels': []}
        for level in range(1, wp.maxlevel + 1):
            nodes = wp.get_level(level, 'natural')
            case['levels'].append({'level': level, 'natural': [nd.path for nd in nodes],
                                   'freq': [[nd.path for nd in row] for row in wp.get_level(level, 'freq')],
                                   'data': {nd.path: arr2(nd.data) for nd in nodes}})
        case['reconstruct'] = arr2(wp.reconstruct(update=False))
        cases2.append(case)
    write('packets.json', {
        'meta': meta("pywt.WaveletPacket(x, w, mode) / WaveletPacket2D: maxlevel, get_level(level, 'natural' | "
                     "'freq') paths and node data, reconstruct(update=False), and the reconstruction after "
                     "del wp['ad'] of the fully decomposed 1D tree"),
        'signals': signals, 'cases': cases, 'inputs': inputs, 'cases2': cases2})


def axis_cases(rng):
    x = rng.standard_normal((3, 10, 4))
    y = rng.standard_normal((8, 3, 2))
    out = {'x': {'shape': list(x.shape), 'data': lst(x)}, 'y': {'shape': list(y.shape), 'data': lst(y)}, 'cases': []}
    for axis in (0, 1, -1):
        c = pywt.wavedec(x, 'db2', 'symmetric', 2, axis=axis)
        out['cases'].append({'fn': 'wavedec', 'axis': axis, 'coeffs': [{'shape': list(a.shape), 'data': lst(a)} for a in c],
                             'waverec': {'shape': list(pywt.waverec(c, 'db2', 'symmetric', axis=axis).shape),
                                         'data': lst(pywt.waverec(c, 'db2', 'symmetric', axis=axis))}})
    for axis in (0, -1):
        if y.shape[axis] % 4:
            continue
        c = pywt.swt(y, 'haar', 2, axis=axis, trim_approx=True)
        out['cases'].append({'fn': 'swt', 'axis': axis, 'coeffs': [{'shape': list(a.shape), 'data': lst(a)} for a in c]})
    z = rng.standard_normal((6, 2, 8))
    out['z'] = {'shape': list(z.shape), 'data': lst(z)}
    c = pywt.wavedec2(z, 'db2', 'symmetric', 1, axes=(0, 2))
    out['cases'].append({'fn': 'wavedec2', 'axes': [0, 2], 'approx': {'shape': list(c[0].shape), 'data': lst(c[0])},
                         'details': [{k: {'shape': list(a.shape), 'data': lst(a)} for k, a in zip(('cH', 'cV', 'cD'), d)} for d in c[1:]],
                         'waverec2': {'shape': list(pywt.waverec2(c, 'db2', 'symmetric', axes=(0, 2)).shape),
                                      'data': lst(pywt.waverec2(c, 'db2', 'symmetric', axes=(0, 2)))}})
    write('axis.json', dict(meta=meta('pywt.wavedec / waverec (db2, symmetric, level 2) and pywt.swt (haar, level 2, '
                                      'trim_approx) of 3D arrays along an axis; wavedec2 / waverec2 (db2, level 1) '
                                      'over axes (0, 2)'), **out))


def nd_cases(rng):
    x = rng.standard_normal((6, 9, 5))
    out = {'x': {'shape': list(x.shape), 'data': lst(x)}, 'cases': []}
    arr = lambda a: {'shape': list(a.shape), 'data': lst(a)}
    for wname, mode, axes in [('db2', 'symmetric', None), ('haar', 'periodization', None), ('bior2.2', 'zero', [0, 2]),
                              ('db1', 'smooth', [-1])]:
        c = pywt.dwtn(x, wname, mode, axes=axes)
        case = {'wavelet': wname, 'mode': mode, 'axes': axes,
                'dwtn': {k: arr(v) for k, v in c.items()},
                'idwtn': arr(pywt.idwtn(c, wname, mode, axes=axes))}
        dec = pywt.wavedecn(x, wname, mode, level=2, axes=axes)
        case['wavedecn'] = {'approx': arr(dec[0]), 'details': [{k: arr(v) for k, v in d.items()} for d in dec[1:]]}
        case['waverecn'] = arr(pywt.waverecn(dec, wname, mode, axes=axes))
        out['cases'].append(case)
    write('nd.json', dict(meta=meta('pywt.dwtn / idwtn / wavedecn (level 2) / waverecn of a 6 x 9 x 5 volume; '
                                    'axes None = all'), **out))


def wavefun():
    out = []
    for name in WAVEFUN:
        for level in WAVEFUN_LEVELS:
            phi, psi, x = pywt.Wavelet(name).wavefun(level=level)
            out.append({'wavelet': name, 'level': level, 'phi': lst(phi), 'psi': lst(psi), 'x': lst(x)})
    write('wavefun.json', {'meta': meta('pywt.Wavelet(name).wavefun(level) -> phi, psi, x'), 'cases': out})


def awave_psi(h, level):
    """psi as the reference awave computes it (awave/utils get_wavefun): a pywt.Wavelet built from
    a filter_bank, which PyWavelets treats as not orthogonal, so wavefun returns
    (phi_d, psi_d, phi_r, psi_r, x) and awave takes psi_d."""
    h = np.asarray(h, dtype=np.float64)
    n = len(h)
    g = h[::-1] * (-1.0) ** np.arange(n)
    bank = (list(h[::-1]), list(g[::-1]), list(h), list(g))
    return pywt.Wavelet('My Wavelet', filter_bank=bank).wavefun(level=level)[1]


def awave_dist(psi1, psi2):
    """awave's dist(): zero-pad the shorter at the end, min over circular shifts and the flip."""
    if len(psi1) > len(psi2):
        psi2 = np.pad(psi2, (0, len(psi1) - len(psi2)))
    if len(psi1) < len(psi2):
        psi1 = np.pad(psi1, (0, len(psi2) - len(psi1)))
    d = [np.linalg.norm(np.roll(psi1, i) - psi2) for i in range(len(psi1))]
    d += [np.linalg.norm(np.roll(psi1[::-1], i) - psi2) for i in range(len(psi1))]
    return float(min(d))


def distance(rng):
    db5 = np.array(pywt.Wavelet('db5').rec_lo)
    noisy = db5 + 0.3 * rng.standard_normal(len(db5))
    filt = {'db5': lst(db5), 'db5_noisy': lst(noisy), 'sym5': lst(pywt.Wavelet('sym5').rec_lo),
            'coif2': lst(pywt.Wavelet('coif2').rec_lo), 'haar': lst(pywt.Wavelet('haar').rec_lo),
            'db2': lst(pywt.Wavelet('db2').rec_lo)}
    pairs = [('db5', 'db5'), ('sym5', 'db5'), ('coif2', 'db5'), ('db5_noisy', 'db5'),
             ('db5', 'sym5'), ('haar', 'db2'), ('db2', 'coif2')]
    out = []
    for level in (3, 5):
        for a, b in pairs:
            pa, pb = awave_psi(filt[a], level), awave_psi(filt[b], level)
            out.append({'h': a, 'hStar': b, 'level': level, 'psiLen': len(pa), 'psiStarLen': len(pb),
                        'distance': awave_dist(pa, pb)})
    write('distance.json', {
        'meta': meta("reference (awave) wavelet distance: awave's get_wavefun(level) + dist(); "
                     'db5_noisy = db5 + N(0, 0.3^2) noise'),
        'filters': filt, 'cases': out})


SWEEP_LENGTHS = [7, 16]
SWEEP_SHAPE = (5, 6)
SWEEP_SWT = [(16, 2), (8, 3)]
SWEEP_SWT2 = (4, 8)
SWEEP_LEVEL = 2
PROBE_LEN = 8192


def sweep(rng):
    """Every family x every mode at small, odd and shorter-than-filter sizes, as projections."""
    probe = rng.standard_normal(2 * PROBE_LEN)
    pa, pb = probe[:PROBE_LEN], probe[PROBE_LEN:]

    def proj(a):
        a = np.asarray(a, dtype=np.float64)
        f = a.ravel()
        assert f.size <= PROBE_LEN
        return {'shape': list(a.shape), 'p': [float(np.dot(f, pa[:f.size])), float(np.dot(f, pb[:f.size]))]}

    signals = {str(n): lst(rng.standard_normal(n)) for n in SWEEP_LENGTHS + [n for n, _ in SWEEP_SWT]}
    r, c = SWEEP_SHAPE
    image = rng.standard_normal((r, c))
    image2 = rng.standard_normal(SWEEP_SWT2)
    cases1, cases2, swts, swt2s = [], [], [], []
    for wname in NAMES:
        for mode in ALL_MODES:
            for n in SWEEP_LENGTHS:
                x = np.array(signals[str(n)])
                res, _, err = call(pywt.wavedec, x, wname, mode, SWEEP_LEVEL)
                assert err is None, err
                case = {'wavelet': wname, 'mode': mode, 'n': n, 'wavedec': [proj(a) for a in res],
                        'waverec': proj(pywt.waverec(res, wname, mode))}
                wp = pywt.WaveletPacket(x, wname, mode, maxlevel=SWEEP_LEVEL)
                nodes = wp.get_level(SWEEP_LEVEL, 'natural')
                case['packets'] = {'natural': [nd.path for nd in nodes], 'freq': [nd.path for nd in wp.get_level(SWEEP_LEVEL, 'freq')],
                                   'data': [proj(nd.data) for nd in nodes], 'reconstruct': proj(wp.reconstruct(update=False))}
                cases1.append(case)
            cA, (cH, cV, cD) = pywt.dwt2(image, wname, mode)
            res, _, err = call(pywt.wavedec2, image, wname, mode, SWEEP_LEVEL)
            assert err is None, err
            wp = pywt.WaveletPacket2D(image, wname, mode, maxlevel=SWEEP_LEVEL)
            nodes = wp.get_level(SWEEP_LEVEL, 'natural')
            cases2.append({'wavelet': wname, 'mode': mode,
                           'dwt2': [proj(a) for a in (cA, cH, cV, cD)],
                           'idwt2': proj(pywt.idwt2((cA, (cH, cV, cD)), wname, mode)),
                           'wavedec2': [proj(res[0])] + [proj(a) for d in res[1:] for a in d],
                           'waverec2': proj(pywt.waverec2(res, wname, mode)),
                           'packets': {'natural': [nd.path for nd in nodes],
                                       'freq': [[nd.path for nd in row] for row in wp.get_level(SWEEP_LEVEL, 'freq')],
                                       'data': [proj(nd.data) for nd in nodes], 'reconstruct': proj(wp.reconstruct(update=False))}})
        for n, level in SWEEP_SWT:
            res = pywt.swt(np.array(signals[str(n)]), wname, level, trim_approx=True)
            swts.append({'wavelet': wname, 'n': n, 'level': level, 'coeffs': [proj(a) for a in res],
                         'iswt': proj(pywt.iswt(res, wname))})
        _, _, err = call(pywt.swt, np.array(signals['7']), wname, 1)
        assert err is not None
        swts.append({'wavelet': wname, 'n': 7, 'level': 1, 'error': err})
        res = pywt.swt2(image2, wname, SWEEP_LEVEL, trim_approx=True)
        _, _, err2 = call(pywt.swt2, image, wname, 1)
        assert err2 is not None
        swt2s.append({'wavelet': wname, 'level': SWEEP_LEVEL, 'approx': proj(res[0]),
                      'details': [proj(a) for d in res[1:] for a in d], 'iswt2': proj(pywt.iswt2(res, wname)),
                      'oddError': err2})
    write('sweep.json', {
        'meta': meta('every discrete family x every mode: wavedec (level 2) / waverec of it, WaveletPacket '
                     '(maxlevel 2: get_level natural and freq paths, node data, reconstruct) at lengths 7 and 16; '
                     'dwt2 / idwt2 / wavedec2 (level 2) / waverec2 / WaveletPacket2D (maxlevel 2) of a 5 x 6 image; '
                     'every family: swt (trim_approx) / iswt at lengths 16 (level 2) and 8 (level 3), the error at '
                     'length 7, swt2 (level 2, trim_approx) / iswt2 of a 4 x 8 image and its error (oddError) on the 5 x 6 '
                     'image. Each array as {shape, p}: '
                     'p = [a . probe[:size], a . probe[8192:8192+size]] for the row-major flattened array a; '
                     'wavedec2 as [approx, cH_2, cV_2, cD_2, cH_1, cV_1, cD_1]; swt2 details likewise'),
        'probe': lst(probe), 'signals': signals, 'image': arr2(image), 'image2': arr2(image2),
        'cases1': cases1, 'cases2': cases2, 'swt': swts, 'swt2': swt2s})


def main():
    if pywt.__version__ != '1.1.1':
        print(f'warning: fixtures were made with PyWavelets 1.1.1, this is {pywt.__version__}', file=sys.stderr)
    rng = np.random.default_rng(SEED)
    filters()
    dwt1d(rng)
    dwt2d(rng)
    wavefun()
    distance(rng)
    # Later additions draw from their own generators, so the files above stay the same.
    dwt1d(np.random.default_rng(SEED + 1), MORE_1D, 'dwt1d_more.json')
    dwt2d(np.random.default_rng(SEED + 2), MORE_2D, SHAPES_2D_MORE, 'dwt2d_more.json')
    families(np.random.default_rng(SEED + 3))
    swt_cases(np.random.default_rng(SEED + 4))
    packets(np.random.default_rng(SEED + 5))
    axis_cases(np.random.default_rng(SEED + 6))
    nd_cases(np.random.default_rng(SEED + 7))
    sweep(np.random.default_rng(SEED + 8))


if __name__ == '__main__':
    main()
