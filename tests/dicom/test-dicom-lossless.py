#!/usr/bin/python3
# test-dicom-lossless.py: huizhen-dicom must give back exactly the stored
# values of the fixtures after dcmtk and GDCM re-encode them in every
# lossless transfer syntax, compared with pydicom's reading of the
# uncompressed original; and its render, info and errors must hold.
#
# Usage: test-dicom-lossless.py HUIZHEN_DICOM   (run with /usr/bin/python3)
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

try:
    import numpy as np
    import pydicom
    from pydicom.uid import ExplicitVRLittleEndian
except ImportError as e:
    print(f"SKIP: needs python3-pydicom and python3-numpy ({e})")
    sys.exit(77)

CLI = sys.argv[1]
ROOT = os.environ.get("HUIZHEN_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data", "dicom")
failures = []
checked = []


def fail(msg):
    print("FAIL:", msg)
    failures.append(msg)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def reference_frames(path):
    """Stored values of an uncompressed file, per frame, as pydicom reads them."""
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    if frames == 1:
        arr = arr[np.newaxis, ...]
    bits = ds.BitsAllocated
    dtype = {8: "u1", 16: "<i2" if ds.PixelRepresentation else "<u2"}[bits]
    return ds, [np.ascontiguousarray(f).astype(dtype) for f in arr]


def decode(path, frame, tmp):
    out = os.path.join(tmp, "frame.raw")
    r = run([CLI, "pixels", path, "--frame", str(frame), "--out", out])
    if r.returncode != 0:
        return None, None, r.stderr.strip()
    meta = json.loads(r.stdout)
    with open(out, "rb") as f:
        return meta, f.read(), None


def check_exact(label, path, ref_ds, ref_frames, tmp, expect_photometric=None):
    for i, ref in enumerate(ref_frames):
        meta, raw, err = decode(path, i + 1, tmp)
        if err:
            fail(f"{label} frame {i + 1}: {err}")
            return
        if meta["rows"] != ref_ds.Rows or meta["columns"] != ref_ds.Columns:
            fail(f"{label}: size {meta}")
        if meta["bits_allocated"] != ref_ds.BitsAllocated or meta["signed"] != bool(ref_ds.PixelRepresentation):
            fail(f"{label}: sample format {meta}")
        if expect_photometric and meta["photometric_interpretation"] != expect_photometric:
            fail(f"{label}: photometric {meta['photometric_interpretation']}")
        got = np.frombuffer(raw, dtype=ref.dtype).reshape(ref.shape)
        if not np.array_equal(got, ref):
            diff = np.argwhere(got != ref)
            fail(f"{label} frame {i + 1}: {len(diff)} values differ, first at {diff[0].tolist()}: "
                 f"{got[tuple(diff[0])]} != {ref[tuple(diff[0])]}")
            return
    checked.append(label)


def make_sources(tmp):
    """Uncompressed sources: the fixtures, plus multi-frame, 8-bit and RGB ones."""
    src = {
        "ct-explicit": os.path.join(DATA, "wang-jianguo", "CT0001.dcm"),
        "ct-implicit": os.path.join(DATA, "wang-jianguo", "CT0002.dcm"),
        "cr-12bit": os.path.join(DATA, "zhang-xiaoming", "CR0001.dcm"),
    }
    # Three CT slices as one multi-frame image.
    slices = [pydicom.dcmread(os.path.join(DATA, "wang-jianguo", f"CT00{n}.dcm")) for n in (19, 20, 21)]
    mf = slices[0]
    mf.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    mf.NumberOfFrames = 3
    mf.PixelData = b"".join(s.PixelData for s in slices)
    path = os.path.join(tmp, "ct-multiframe.dcm")
    mf.save_as(path, write_like_original=False)
    src["ct-multiframe"] = path
    # An 8-bit grey image from the CR.
    cr = pydicom.dcmread(src["cr-12bit"])
    cr.PixelData = (cr.pixel_array >> 4).astype("u1").tobytes()
    cr.BitsAllocated, cr.BitsStored, cr.HighBit = 8, 8, 7
    cr.PhotometricInterpretation = "MONOCHROME2"
    for kw in ("WindowCenter", "WindowWidth"):
        if kw in cr:
            delattr(cr, kw)
    path = os.path.join(tmp, "cr-8bit.dcm")
    cr.save_as(path, write_like_original=False)
    src["cr-8bit"] = path
    # RGB, from the JPEG photo decompressed by dcmtk.
    if shutil.which("dcmdjpeg"):
        path = os.path.join(tmp, "photo-rgb.dcm")
        r = run(["dcmdjpeg", os.path.join(DATA, "li-xiuying", "SC0001.dcm"), path])
        if r.returncode == 0:
            src["photo-rgb"] = path
    return src


CONVERSIONS = [
    # name, tool, arguments before input and output
    ("big-endian", "dcmconv", ["+tb"]),
    ("deflated", "dcmconv", ["+td"]),
    ("implicit", "dcmconv", ["+ti"]),
    ("rle", "dcmcrle", []),
    ("jpeg-ls", "dcmcjpls", []),
    ("j2k-gdcm", "gdcmconv", ["--j2k"]),
    ("jpeg-ls-gdcm", "gdcmconv", ["--jpegls"]),
    ("rle-gdcm", "gdcmconv", ["--rle"]),
    # Lossless JPEG (process 14): the first-order predictor (SV1) that
    # most archives use, every other predictor, and GDCM's encoder.
    ("jpeg-lossless-sv1", "dcmcjpeg", ["+e1"]),
] + [(f"jpeg-lossless-p{sv}", "dcmcjpeg", ["+el", "+sv", str(sv)]) for sv in range(2, 8)] + [
    ("jpeg-lossless-gdcm", "gdcmconv", ["--jpeg"]),
]


def convert(tool, args, inp, out):
    if tool == "gdcmconv":
        return run([tool] + args + [inp, out])
    return run([tool] + args + [inp, out])


def test_lossless(tmp):
    sources = make_sources(tmp)
    for name, path in sources.items():
        ref_ds, ref_frames = reference_frames(path)
        photometric = "RGB" if ref_ds.SamplesPerPixel == 3 else ref_ds.PhotometricInterpretation
        check_exact(f"{name}/original", path, ref_ds, ref_frames, tmp, photometric)
        for conv, tool, args in CONVERSIONS:
            if not shutil.which(tool):
                print(f"SKIP {name}/{conv}: {tool} is not installed")
                continue
            out = os.path.join(tmp, f"{name}-{conv}.dcm")
            r = convert(tool, args, path, out)
            if r.returncode != 0 or not os.path.exists(out):
                fail(f"{name}/{conv}: {tool} failed: {r.stderr.strip()[:200]}")
                continue
            check_exact(f"{name}/{conv}", out, ref_ds, ref_frames, tmp, photometric)


def test_jpeg_lossless_damage(tmp):
    """Lossless JPEG with a point transform keeps the high bits exactly;
    a truncated or corrupted stream is a clear error, never a crash."""
    if not shutil.which("dcmcjpeg"):
        print("SKIP lossless JPEG: dcmcjpeg is not installed")
        return
    src = os.path.join(DATA, "zhang-xiaoming", "CR0001.dcm")
    ref_ds, ref_frames = reference_frames(src)
    out = os.path.join(tmp, "cr-jpeg-pt.dcm")
    r = run(["dcmcjpeg", "+el", "+sv", "1", "+pt", "2", src, out])
    if r.returncode != 0:
        fail(f"dcmcjpeg +pt failed: {r.stderr}")
        return
    meta, raw, err = decode(out, 1, tmp)
    if err:
        fail(f"point transform: {err}")
    else:
        got = np.frombuffer(raw, dtype=ref_frames[0].dtype).reshape(ref_frames[0].shape)
        if not np.array_equal(got, (ref_frames[0] >> 2) << 2):
            fail("point transform: values differ from the original with its two low bits cleared")
        else:
            checked.append("jpeg-lossless point transform")
    # Damage: the encapsulated frame cut short, and bytes overwritten.
    ds = pydicom.dcmread(out)
    from pydicom.encaps import decode_data_sequence, encapsulate
    frame = decode_data_sequence(ds.PixelData)[0]
    dht = frame.index(b"\xff\xc4")
    no_dht = frame[:dht] + frame[dht + 2 + int.from_bytes(frame[dht + 2:dht + 4], "big"):]
    for label, broken in (("truncated", frame[: len(frame) // 3]),
                          ("corrupted", frame[:600] + bytes(range(256)) * 4 + frame[1624:]),
                          ("no huffman table", no_dht)):
        ds.PixelData = encapsulate([broken])
        path = os.path.join(tmp, f"jpeg-lossless-{label.replace(' ', '-')}.dcm")
        ds.save_as(path)
        r = run([CLI, "pixels", path, "--out", os.path.join(tmp, "x.raw")])
        if r.returncode != 1 or "lossless JPEG" not in r.stderr:
            fail(f"lossless JPEG {label}: expected a clear error, got {r.returncode}: {r.stderr[:200]}")
        else:
            checked.append(f"jpeg-lossless {label} refused")


def test_jpeg_12bit(tmp):
    """12-bit extended JPEG (lossy) against dcmtk's own decoder: our float
    IDCT and IJG's integer one may differ by a unit; a progressive 12-bit
    frame is refused clearly."""
    if not shutil.which("dcmcjpeg") or not shutil.which("dcmdjpeg"):
        print("SKIP 12-bit JPEG: dcmtk is not installed")
        return
    sources = {"ct": os.path.join(DATA, "wang-jianguo", "CT0001.dcm"),
               "ct-implicit": os.path.join(DATA, "wang-jianguo", "CT0002.dcm"),
               "cr": os.path.join(DATA, "zhang-xiaoming", "CR0001.dcm")}
    for name, src in sources.items():
        out = os.path.join(tmp, f"{name}-jpeg-12bit.dcm")
        ref_path = os.path.join(tmp, f"{name}-jpeg-12bit-ref.dcm")
        r = run(["dcmcjpeg", "+ee", src, out])
        if r.returncode != 0 or run(["dcmdjpeg", out, ref_path]).returncode != 0:
            fail(f"{name}: dcmcjpeg/dcmdjpeg failed: {r.stderr}")
            continue
        ref_ds, ref_frames = reference_frames(ref_path)
        meta, raw, err = decode(out, 1, tmp)
        if err:
            fail(f"12-bit JPEG {name}: {err}")
            continue
        got = np.frombuffer(raw, dtype=ref_frames[0].dtype).reshape(ref_frames[0].shape).astype(int)
        diff = np.abs(got - ref_frames[0].astype(int))
        print(f"12-bit JPEG {name}: max difference from dcmdjpeg {diff.max()}, mean {diff.mean():.4f}")
        if diff.max() > 2 or diff.mean() > 0.1:
            fail(f"12-bit JPEG {name}: max difference {diff.max()}, mean {diff.mean():.4f}")
        else:
            checked.append(f"jpeg-12bit {name}")
    out = os.path.join(tmp, "ct-jpeg-12bit-progressive.dcm")
    if run(["dcmcjpeg", "+ep", sources["ct"], out]).returncode == 0:
        r = run([CLI, "pixels", out, "--out", os.path.join(tmp, "x.raw")])
        # Progressive is a retired transfer syntax: refused before any decoding.
        if r.returncode != 1 or "cannot be decoded" not in r.stderr:
            fail(f"progressive 12-bit JPEG: expected a clear refusal, got {r.returncode}: {r.stderr}")
        else:
            checked.append("jpeg-12bit progressive refused")


def test_jpeg_baseline(tmp):
    """The lossy photo against dcmtk's own decoder: IDCTs differ by a little."""
    if not shutil.which("dcmdjpeg"):
        print("SKIP jpeg baseline: dcmdjpeg is not installed")
        return
    ref_path = os.path.join(tmp, "photo-ref.dcm")
    run(["dcmdjpeg", os.path.join(DATA, "li-xiuying", "SC0001.dcm"), ref_path])
    ref = pydicom.dcmread(ref_path).pixel_array.astype(int)
    meta, raw, err = decode(os.path.join(DATA, "li-xiuying", "SC0001.dcm"), 1, tmp)
    if err:
        fail(f"jpeg baseline: {err}")
        return
    if meta["photometric_interpretation"] != "RGB" or meta["samples_per_pixel"] != 3:
        fail(f"jpeg baseline: {meta}")
    got = np.frombuffer(raw, dtype="u1").reshape(ref.shape).astype(int)
    diff = np.abs(got - ref)
    print(f"jpeg baseline: max difference from dcmdjpeg {diff.max()}, mean {diff.mean():.3f}")
    if diff.max() > 4 or diff.mean() > 0.5:
        fail(f"jpeg baseline differs from dcmdjpeg: max {diff.max()}, mean {diff.mean()}")
    checked.append("jpeg-baseline")


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header[:4]
    channels = 1 if colour == 0 else 3
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    rows = [raw[y * stride + 1:(y + 1) * stride] for y in range(height)]
    assert all(raw[y * stride] == 0 for y in range(height))
    return np.frombuffer(b"".join(rows), dtype="u1").reshape(height, width, channels)


def expected_render(path, centre=None, width=None):
    """PS3.3 C.11.2.1.2.1 in numpy, independently of our C."""
    ds = pydicom.dcmread(path)
    x = ds.pixel_array.astype(float) * float(getattr(ds, "RescaleSlope", 1)) + float(getattr(ds, "RescaleIntercept", 0))
    if centre is None:
        wc, ww = ds.WindowCenter, ds.WindowWidth
        centre = float(wc[0] if isinstance(wc, pydicom.multival.MultiValue) else wc)
        width = float(ww[0] if isinstance(ww, pydicom.multival.MultiValue) else ww)
    y = ((x - (centre - 0.5)) / (width - 1) + 0.5) * 255
    y = np.where(x <= centre - 0.5 - (width - 1) / 2, 0, np.where(x > centre - 0.5 + (width - 1) / 2, 255, y))
    y = np.clip(np.floor(y + 0.5), 0, 255).astype("u1")
    if ds.PhotometricInterpretation == "MONOCHROME1":
        y = 255 - y
    return y


def test_render(tmp):
    for rel, args, window in [
        ("zhang-xiaoming/CR0001.dcm", [], (None, None)),
        ("wang-jianguo/CT0021.dcm", [], (None, None)),
        ("wang-jianguo/CT0021.dcm", ["--preset", "mediastinum"], (40, 400)),
        ("wang-jianguo/CT0022.dcm", ["--window", "300,1500"], (300, 1500)),
    ]:
        path = os.path.join(DATA, rel)
        out = os.path.join(tmp, "render.png")
        r = run([CLI, "render", path, "--out", out] + args)
        if r.returncode != 0:
            fail(f"render {rel}: {r.stderr}")
            continue
        got = read_png(out)[:, :, 0]
        want = expected_render(path, *window)
        bad = np.count_nonzero(got.astype(int) != want.astype(int))
        if bad:
            fail(f"render {rel} {args}: {bad} pixels differ from the VOI formula")
        else:
            checked.append(f"render {rel} {' '.join(args)}")
    # The MONOCHROME1 CR is inverted: its bright (high) values show dark.
    ds = pydicom.dcmread(os.path.join(DATA, "zhang-xiaoming", "CR0001.dcm"))
    run([CLI, "render", os.path.join(DATA, "zhang-xiaoming", "CR0001.dcm"), "--out", out])
    got = read_png(out)[:, :, 0]
    hi = np.unravel_index(np.argmax(ds.pixel_array), ds.pixel_array.shape)
    if got[hi] > 64:
        fail(f"MONOCHROME1 not inverted: brightest stored value shows as {got[hi]}")
    # Colour renders as RGB.
    run([CLI, "render", os.path.join(DATA, "li-xiuying", "SC0001.dcm"), "--out", out])
    if read_png(out).shape != (600, 800, 3):
        fail("colour render is not 800x600 RGB")


def test_info_and_errors(tmp):
    r = run([CLI, "info", os.path.join(DATA, "wang-jianguo", "CT0002.dcm")])
    for needle in ["王建国 (WANG JIANGUO)", "青山镇卫生院", "胸部CT平扫", "Implicit VR Little Endian",
                   "256 × 256", "MONOCHROME2", "CT"]:
        if needle not in r.stdout:
            fail(f"info lacks {needle!r}: {r.stdout}")
    r = run([CLI, "info", os.path.join(DATA, "zhang-xiaoming", "CR0001.dcm")])
    if "张小明 (ZHANG XIAOMING)" not in r.stdout or "MONOCHROME1" not in r.stdout:
        fail(f"CR info: {r.stdout}")
    ecg = os.path.join(ROOT, "tests", "fuzz", "corpus", "dicom", "ecg-12-lead.dcm")
    r = run([CLI, "info", ecg])
    if "12 channels, 50 samples at 500 Hz" not in r.stdout or "ECG" not in r.stdout:
        fail(f"ECG info: {r.stdout}")
    env = dict(os.environ, LANGUAGE="zh_CN", LC_ALL="C.UTF-8")
    r = run([CLI, "info", os.path.join(DATA, "wang-jianguo", "CT0001.dcm")], env=env)
    if "患者" not in r.stdout:
        fail(f"info is not translated: {r.stdout[:200]}")

    junk = os.path.join(tmp, "junk.dcm")
    with open(junk, "wb") as f:
        f.write(b"\0" * 128 + b"DICM" + os.urandom(300))
    cut = os.path.join(tmp, "cut.dcm")
    with open(os.path.join(DATA, "wang-jianguo", "CT0001.dcm"), "rb") as f:
        data = f.read()
    with open(cut, "wb") as f:
        f.write(data[:len(data) // 2])
    for args, what in [
        (["info", os.path.join(tmp, "missing.dcm")], "missing file"),
        (["info", junk], "random bytes"),
        (["pixels", cut, "--out", os.path.join(tmp, "x.raw")], "truncated file"),
        (["pixels", os.path.join(DATA, "wang-jianguo", "CT0001.dcm"), "--frame", "2",
          "--out", os.path.join(tmp, "x.raw")], "frame beyond the image"),
    ]:
        r = run([CLI] + args)
        if r.returncode != 1 or not r.stderr.strip() or "Traceback" in r.stderr:
            fail(f"{what}: status {r.returncode}, stderr {r.stderr!r}")
    r = run([CLI, "render", os.path.join(DATA, "wang-jianguo", "CT0001.dcm")])
    if r.returncode != 2:
        fail(f"render without --out: status {r.returncode}")
    r = run([CLI, "render", os.path.join(DATA, "wang-jianguo", "CT0001.dcm"), "--out", junk, "--preset", "kidney"])
    if r.returncode != 2 or "kidney" not in r.stderr:
        fail(f"unknown preset: {r.returncode} {r.stderr}")
    checked.append("info and errors")


def make_palette(path, bits, signed, tmp):
    """A PALETTE COLOR image made from a CT slice: 8-bit indices, or
    signed 16-bit ones, through a table that starts above the smallest
    index (so clamping to the first entry is exercised)."""
    ds = pydicom.dcmread(os.path.join(DATA, "wang-jianguo", "CT0002.dcm"))
    ct = ds.pixel_array.astype(np.int32)
    n_entries, first = (200, 20) if not signed else (4096, -1024)
    if signed:
        idx = np.clip(ct - 1024, -2000, 3500).astype("<i2")
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    else:
        idx = (ct * 255 // max(1, ct.max())).astype("u1")
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    rng = np.random.default_rng(7)
    maxv = 255 if bits == 8 else 65535
    tables = [rng.integers(0, maxv + 1, n_entries) for _ in range(3)]
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.SamplesPerPixel = 1
    for name in ("RescaleSlope", "RescaleIntercept", "WindowCenter", "WindowWidth"):
        if name in ds:
            delattr(ds, name)
    desc_first = first & 0xFFFF
    for c, table in enumerate(tables):
        # (0028,1101+c) descriptor, US here as in most files; (0028,1201+c) data.
        ds.add_new(0x00281101 + c, "US", [n_entries, desc_first, bits])
        data = table.astype("u1" if bits == 8 else "<u2").tobytes()
        ds.add_new(0x00281201 + c, "OW", data)
    ds.PixelData = idx.tobytes()
    # The 16-bit tables go out in explicit VR, the 8-bit one in implicit VR
    # (as CT0002 is), where the reader needs the dictionary's VRs.
    if bits == 16:
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)
    # The reference: the table lookup written out independently of pydicom
    # (whose apply_color_lut has had bugs with signed first values).
    entry = np.clip(idx.astype(np.int64) - first, 0, n_entries - 1)
    return np.stack([t[entry] for t in tables], axis=-1).astype("u1" if bits == 8 else "<u2")


def test_palette(tmp):
    for bits, signed in ((8, False), (16, False), (16, True)):
        path = os.path.join(tmp, f"palette-{bits}-{int(signed)}.dcm")
        want = make_palette(path, bits, signed, tmp)
        meta, raw, err = decode(path, 1, tmp)
        label = f"palette {bits}-bit table, {'signed' if signed else 'unsigned'} indices"
        if err:
            fail(f"{label}: {err}")
            continue
        if meta["samples_per_pixel"] != 3 or meta["photometric_interpretation"] != "RGB" \
                or meta["bits_allocated"] != bits:
            fail(f"{label}: {meta}")
            continue
        got = np.frombuffer(raw, dtype=want.dtype).reshape(want.shape)
        if not np.array_equal(got, want):
            fail(f"{label}: {int((got != want).sum())} samples differ from the table lookup")
            continue
        checked.append(label)
    # A table shorter than its descriptor is a clear error, not a crash.
    ds = pydicom.dcmread(os.path.join(tmp, "palette-8-0.dcm"))
    ds.GreenPaletteColorLookupTableData = ds.GreenPaletteColorLookupTableData[:10]
    short = os.path.join(tmp, "palette-short.dcm")
    ds.save_as(short, write_like_original=False)
    meta, raw, err = decode(short, 1, tmp)
    if err is None or "shorter" not in err:
        fail(f"short palette table: {err!r}")
    else:
        checked.append("short palette table refused")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_lossless(tmp)
        test_jpeg_lossless_damage(tmp)
        test_jpeg_12bit(tmp)
        test_jpeg_baseline(tmp)
        test_render(tmp)
        test_info_and_errors(tmp)
        test_palette(tmp)
    for c in checked:
        print("ok", c)
    if failures:
        print(f"{len(failures)} failures")
        sys.exit(1)
    if not checked:
        sys.exit(77)


main()
