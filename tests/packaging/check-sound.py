#!/usr/bin/env python3
# check-sound.py FILE: the notification sound is an Ogg Vorbis stream,
# short (a chime, not a song) and small.
import struct
import sys

path = sys.argv[1]
with open(path, 'rb') as f:
    data = f.read()


def fail(msg):
    sys.exit('FAIL: %s: %s' % (path, msg))


if not data.startswith(b'OggS'):
    fail('not an Ogg file')
if b'\x01vorbis' not in data[:256]:
    fail('the first Ogg page holds no Vorbis identification header')
if len(data) > 100 * 1024:
    fail('%d bytes; a notification chime should be well under 100 KiB' % len(data))
# The Vorbis identification header: version, channels, rate.
i = data.index(b'\x01vorbis') + 7
_version, channels, rate = struct.unpack_from('<IBI', data, i)
if channels not in (1, 2) or rate not in (44100, 48000):
    fail('unexpected %d channels at %d Hz' % (channels, rate))
# The last page's granule position is the stream length in samples.
last = data.rindex(b'OggS')
granule = struct.unpack_from('<q', data, last + 6)[0]
seconds = granule / rate
if not 0.3 <= seconds <= 3.0:
    fail('%.2f s long; a chime lasts between 0.3 and 3 s' % seconds)
print('%s: Ogg Vorbis, %d ch, %d Hz, %.2f s, %d bytes' % (path, channels, rate, seconds, len(data)))
