#!/usr/bin/python3
# make-dicom-corpus.py: regenerates the small seed corpus of fuzz-dicom
# from the fixtures (cropped to a few pixels so each seed stays small)
# with dcmtk and GDCM. Run with /usr/bin/python3 from the project root;
# pass the sample ECG written by test-dicom-waveform (HZ_WRITE_ECG) as
# the first argument to include it.
import os
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.uid import ExplicitVRLittleEndian

DATA = "tests/data/dicom"
OUT = "tests/fuzz/corpus/dicom"
os.makedirs(OUT, exist_ok=True)


def crop(src, dst, size, frames=1, bits8=False):
    ds = pydicom.dcmread(src)
    arr = ds.pixel_array
    if bits8:
        arr = (arr >> 4).astype("u1")
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    part = np.ascontiguousarray(arr[100:100 + size, 100:100 + size])
    ds.Rows = ds.Columns = size
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    if frames > 1:
        ds.NumberOfFrames = frames
        part = np.concatenate([part] * frames)
    ds.PixelData = part.tobytes()
    ds.save_as(dst, write_like_original=False)


with tempfile.TemporaryDirectory() as tmp:
    ct = os.path.join(OUT, "ct-8x8-explicit.dcm")
    crop(f"{DATA}/wang-jianguo/CT0021.dcm", ct, 8)
    crop(f"{DATA}/zhang-xiaoming/CR0001.dcm", os.path.join(OUT, "cr-6x6-mono1.dcm"), 6)
    mf = os.path.join(tmp, "mf.dcm")
    crop(f"{DATA}/wang-jianguo/CT0021.dcm", mf, 4, frames=3)
    grey8 = os.path.join(tmp, "grey8.dcm")
    crop(f"{DATA}/zhang-xiaoming/CR0001.dcm", grey8, 8, bits8=True)
    rgb = os.path.join(tmp, "rgb.dcm")
    subprocess.run(["dcmdjpeg", f"{DATA}/li-xiuying/SC0001.dcm", rgb], check=True)
    crop(rgb, os.path.join(OUT, "rgb-16x16.dcm"), 16)
    rgb6 = os.path.join(OUT, "rgb-16x16.dcm")
    runs = [
        (["dcmconv", "+ti", ct], "ct-implicit.dcm"),
        (["dcmconv", "+tb", ct], "ct-big-endian.dcm"),
        (["dcmconv", "+td", ct], "ct-deflated.dcm"),
        (["dcmcrle", mf], "ct-multiframe-rle.dcm"),
        (["dcmcjpls", ct], "ct-jpeg-ls.dcm"),
        (["gdcmconv", "--j2k", ct], "ct-j2k.dcm"),
        (["gdcmconv", "--j2k", rgb6], "rgb-j2k.dcm"),
        (["dcmcrle", rgb6], "rgb-rle.dcm"),
        (["dcmcjpeg", "+eb", rgb6], "rgb-jpeg-baseline.dcm"),
        (["dcmcjpls", grey8], "grey8-jpeg-ls.dcm"),
        (["dcmcjpeg", "+e1", ct], "ct-jpeg-lossless.dcm"),
    ]
    for args, name in runs:
        subprocess.run(args + [os.path.join(OUT, name)], check=True)

    with open(ct, "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "ct-no-preamble.dcm"), "wb") as f:
        f.write(data[128:])
    with open(os.path.join(OUT, "ct-truncated.dcm"), "wb") as f:
        f.write(data[:len(data) - 37])
    with open(f"{DATA}/wang-jianguo/CT0002.dcm", "rb") as f:
        with open(os.path.join(OUT, "ct-header-implicit.dcm"), "wb") as g:
            g.write(f.read(900))

if len(sys.argv) > 1:
    with open(sys.argv[1], "rb") as f, open(os.path.join(OUT, "ecg-12-lead.dcm"), "wb") as g:
        g.write(f.read())
