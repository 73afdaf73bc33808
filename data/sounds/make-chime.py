#!/usr/bin/python3
# make-chime.py: generates data/sounds/huizhen-chime.oga, the notification
# sound, once; the result is checked in, so the build never runs this.
#
# Two bell-like notes, C6 then E6 (a rising major third: noticeable but not
# alarming in a ward), each a sine with a quieter octave partial, shaped by
# a volume envelope (fast attack, exponential decay) that GStreamer's
# controller applies to audiotestsrc. Pipeline, per partial:
#   audiotestsrc wave=sine freq=F (volume under control) ! audiomixer
#   ! audioconvert ! taginject ! vorbisenc quality=0.5 ! oggmux ! filesink
# Run: /usr/bin/python3 data/sounds/make-chime.py data/sounds/huizhen-chime.oga
# (needs python3-gi, gir1.2-gstreamer-1.0, gstreamer1.0-plugins-base).
import math
import sys

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstController', '1.0')
from gi.repository import Gst, GstController  # noqa: E402

RATE = 48000
BUFFER_SAMPLES = 480            # 10 ms
LENGTH_S = 1.4
# (start in s, frequency in Hz, peak volume, decay time constant in s)
PARTIALS = [
    (0.00, 1046.50, 0.30, 0.35),
    (0.00, 2093.00, 0.06, 0.15),
    (0.20, 1318.51, 0.30, 0.40),
    (0.20, 2637.02, 0.06, 0.15),
]


def envelope(start, peak, tau):
    """Control points (ns, value): silence, 8 ms attack, exponential decay."""
    points = [(0, 0.0)]
    if start > 0:
        points.append((start, 0.0))
    points.append((start + 0.008, peak))
    t = 0.008
    while start + t < LENGTH_S - 0.02:
        t += 0.02
        points.append((start + t, peak * math.exp(-(t - 0.008) / tau)))
    points.append((LENGTH_S, 0.0))
    return [(int(s * Gst.SECOND), v) for s, v in points]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'huizhen-chime.oga'
    Gst.init(None)
    pipeline = Gst.parse_launch(
        'audiomixer name=mix ! audioconvert '
        '! taginject tags="title=Huizhen chime,copyright=CC0-1.0" '
        '! vorbisenc quality=0.5 ! oggmux ! filesink location="%s"' % out)
    mix = pipeline.get_by_name('mix')
    caps = Gst.Caps.from_string('audio/x-raw,format=F32LE,rate=%d,channels=1' % RATE)
    for start, freq, peak, tau in PARTIALS:
        src = Gst.ElementFactory.make('audiotestsrc')
        src.set_property('wave', 'sine')
        src.set_property('freq', freq)
        src.set_property('volume', 0.0)
        src.set_property('samplesperbuffer', BUFFER_SAMPLES)
        src.set_property('num-buffers', int(LENGTH_S * RATE / BUFFER_SAMPLES))
        cs = GstController.InterpolationControlSource()
        cs.set_property('mode', GstController.InterpolationMode.LINEAR)
        for ts, value in envelope(start, peak, tau):
            cs.set(ts, value)
        src.add_control_binding(GstController.DirectControlBinding.new_absolute(src, 'volume', cs))
        filt = Gst.ElementFactory.make('capsfilter')
        filt.set_property('caps', caps)
        pipeline.add(src)
        pipeline.add(filt)
        src.link(filt)
        filt.link(mix)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
        sys.exit('make-chime: %s (%s)' % (err.message, dbg))


if __name__ == '__main__':
    main()
