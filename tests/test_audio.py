"""The audio ballot, read back as a listener's player would: the decoded
MP3 (libsndfile/mpg123), its ID3 chapters (mutagen), the DAISY book and the
playlist (XML parsers), WAV markers, Ogg comments, loudness and true peak
(tests/oracle/loudness.py, written from BS.1770), every number at its
chapter start matched against a separately synthesised clip, and every
pause against the templates."""
import hashlib
import html.parser
import io
import json
import locale
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import mutagen.id3
import mutagen.oggopus
import mutagen.oggvorbis
import numpy as np
import soundfile as sf
from scipy import signal

import bk
from oracle import loudness

t = bk.Tap()
EX = bk.EXAMPLE
FRAME = 576            # MP3 frame at 22.05 kHz
DELAY = 576 + 529      # LAME's encoder delay + any MP3 decoder's delay
SPEECH = {lang: bk.load(os.path.join(bk.ROOT, "templates", "speech", lang + ".json"))
          for lang in ("kk", "ru")}
BALLOTS = ["mazhilis-list", "maslikhat-ayagoz-05"]

tmp = tempfile.mkdtemp(prefix="bk-audio-")
out = os.path.join(tmp, "a")
args = ["audio", EX, "-o", out] + sum([["--ballot", b] for b in BALLOTS], [])
r = bk.run(*args, "--formats", "default,audio-wav", check_rc=0)
t.ok(r.stderr.count(b"LUFS") == len(BALLOTS) * 2, "progress: one line per track")
# the slower formats and a speed variant on the shortest ballot
LONG = ("maslikhat-ayagoz-05", "ru")
r = bk.run("audio", EX, "-o", out, "--ballot", LONG[0], "--lang", LONG[1],
           "--formats",
           "audio-flac,audio-vorbis,audio-opus,audio-phone,audio-mp3,audio-transcript,audio-captions", "--speed", "0.75", check_rc=0)
t.ok(r.stderr.count(b"LUFS") == 2 and b"0.75x" in r.stderr, "progress: the speed variant too")
again = os.path.join(tmp, "again")
bk.run("audio", EX, "-o", again, "--ballot", LONG[0], "--lang", LONG[1],
       "--formats", "audio-flac,audio-vorbis,audio-opus,audio-phone,audio-wav,audio-mp3", "--speed", "0.75",
       env={"MALLOC_PERTURB_": "165", "LC_ALL": "kk_KZ.UTF-8"}, check_rc=0)
stem = "%s-%s" % LONG
same = all(open(os.path.join(out, stem, stem + e), "rb").read() ==
           open(os.path.join(again, stem, stem + e), "rb").read()
           for e in (".flac", ".ogg", ".opus", "-8k.wav", ".wav", "-0.75x.mp3"))
t.ok(same, "WAV, FLAC, Vorbis, Opus, 8 kHz and the speed variant are the same bytes on a rerun "
     "(kk_KZ locale, other heap contents)")
scripts = {(s["ballot"], s["language"]): s
           for s in json.loads(bk.run("script", EX, "--json", check_rc=0).stdout)}


def folder(b, lang):
    return os.path.join(out, "%s-%s" % (b, lang))


def read(path, dtype="float64"):
    x, fs = sf.read(path, dtype=dtype)
    return x, fs


def aligned(x, w, fs, seconds=60, most=2000):
    """The lag (samples, within ±most) at which w best matches x over
    their first seconds, and the normalised correlation there."""
    n = min(len(x), len(w), fs * seconds)
    a, b = x[:n] - x[:n].mean(), w[:n] - w[:n].mean()
    size = 1 << (2 * n - 1).bit_length()
    cc = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)
    near = np.concatenate((cc[-most:], cc[:most + 1]))
    k = int(np.argmax(near))
    return k - most, float(near[k] / np.sqrt((a * a).sum() * (b * b).sum()))


def cues(path):
    """WebVTT cues: (start, end, text)."""
    text = open(path, encoding="utf-8").read()
    t.ok(text.startswith("WEBVTT\n"), os.path.basename(path) + " is WebVTT")
    found = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n(.*)\n", text)
    sec = lambda h, m, s, ms: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
    return [(sec(*c[:4]), sec(*c[4:8]), c[8]) for c in found]


# the audio is spoken at the definition's production.speech.rate
RATE = str(bk.load(EX).get("production", {}).get("speech", {}).get("rate", 125))


def espeak(lang, text):
    r = subprocess.run(["espeak-ng", "-v", lang, "-s", RATE, "-p", "50", "-a", "100", "-g", "0",
                        "--stdout", text], capture_output=True, check=True)
    y, _ = sf.read(io.BytesIO(r.stdout), dtype="float64")
    loud = np.nonzero(np.abs(y) >= 64 / 32768)[0]
    return y[loud[0]:loud[-1] + 1]


def best_match(seg, c):
    """Normalised cross-correlation of c along seg: (peak, lag)."""
    num = signal.correlate(seg, c, mode="valid")
    csum = np.concatenate(([0.0], np.cumsum(seg ** 2)))
    energy = csum[len(c):] - csum[:len(csum) - len(c)]
    v = num / np.sqrt(np.maximum(energy, 1e-12)) / np.linalg.norm(c)
    i = int(np.argmax(v))
    return float(v[i]), i


def normalised(lang, text):
    r = bk.run("speak", "--lang", lang, text, check_rc=0)
    return re.search(r"^voice: (.*)$", r.stdout.decode(), re.M).group(1)


for b in BALLOTS:
    for lang in ("kk", "ru"):
        tag = "%s %s" % (b, lang)
        s = scripts[(b, lang)]
        d = folder(b, lang)
        base = os.path.join(d, "%s-%s" % (b, lang))
        npos = len(s["positions"])
        sentences = [(i, j, x) for i, seg in enumerate(s["segments"])
                     for j, x in enumerate(seg["sentences"])]
        x, fs = read(base + ".mp3")
        t.eq(fs, 22050, tag + ": the MP3 keeps eSpeak NG's 22.05 kHz")
        duration = len(x) / fs

        # chapters, read by mutagen
        id3 = mutagen.id3.ID3(base + ".mp3")
        t.eq(id3.version[:2], (2, 3), tag + ": ID3v2.3")
        toc = id3.getall("CTOC")
        chaps = {c.element_id: c for c in id3.getall("CHAP")}
        t.ok(len(toc) == 1 and toc[0].flags & mutagen.id3.CTOCFlags.TOP_LEVEL
             and toc[0].flags & mutagen.id3.CTOCFlags.ORDERED, tag + ": one ordered top-level CTOC")
        order = [chaps[e] for e in toc[0].child_element_ids]
        t.eq(len(order), npos, tag + ": one chapter per position (%d)" % npos)
        t.eq([str(c.sub_frames["TIT2"]) for c in order], [p["list"] for p in s["positions"]],
             tag + ": chapters in ballot order, titled as the list")
        starts = [c.start_time / 1000 for c in order]
        t.ok(all(a < b2 for a, b2 in zip(starts, starts[1:])) and
             all(order[i].end_time == order[i + 1].start_time for i in range(npos - 1)),
             tag + ": chapters follow one another")
        # at each chapter start, the number of that position
        nums = [s["segments"][i]["sentences"][0] for i in range(len(s["segments"]))
                if s["segments"][i]["kind"] == "position"]
        clips = [espeak(lang, normalised(lang, n)) for n in nums]
        longest = max(len(c) for c in clips)
        bad = []
        for k, st in enumerate(starts):
            at = int(round(st * fs))
            seg = x[at:at + longest + 2 * FRAME + 256]
            mine, lag = best_match(seg, clips[k])
            others = [best_match(seg, c)[0] for i, c in enumerate(clips) if i != k]
            if mine < 0.9 or not (DELAY - FRAME <= lag <= DELAY + FRAME + 110) or \
                    (others and max(others) >= mine):
                bad.append("chapter %d: correlation %.3f at lag %d, best other number %.3f"
                           % (k + 1, mine, lag, max(others) if others else 0))
        t.ok(not bad, tag + ": each chapter starts (within a frame after the encoder's delay) "
             "with its number, matched against a separately synthesised clip", "\n".join(bad))

        # captions, transcript and pauses
        cs = cues(base + ".vtt")
        t.eq([c[2] for c in cs], [x_ for _, _, x_ in sentences], tag + ": a caption per sentence, in order")
        tr = open(base + ".txt", encoding="utf-8").read()
        lines = re.findall(r"^\[(\d\d):(\d\d):(\d\d)\.(\d\d\d)\] (.*)$", tr, re.M)
        t.eq([l[4] for l in lines], [x_ for _, _, x_ in sentences], tag + ": the transcript has every sentence")
        t.eq(["%s:%s:%s.%s" % l[:4] for l in lines],
             [re.search(r"(\d\d:\d\d:\d\d\.\d\d\d)", "%02d:%02d:%02d.%03d" % (
                 int(c[0] // 3600), int(c[0] // 60 % 60), int(c[0] % 60), round(c[0] * 1000) % 1000)).group(1)
              for c in cs], tag + ": transcript and captions share their times")
        pm = SPEECH[lang]["audio"]["pause_ms"]
        want = []
        for i, seg in enumerate(s["segments"]):
            for j in range(len(seg["sentences"])):
                if j + 1 < len(seg["sentences"]):
                    want.append(pm["sentence"])
                elif i + 1 < len(s["segments"]):
                    want.append(pm[seg["kind"]])
        w, _ = read(base + ".wav")
        # the WAV holds the layout exactly (whole frames: within half a
        # frame, 13 ms); the decoded MP3 adds the codec's smearing of a
        # sound's edges, up to half a frame more (docs/audio.md)
        for name, sig, thr, tol in (("MP3", x, -40, 26 + 13), ("WAV", w, -50, 14)):
            loud = np.abs(sig) > 10 ** (thr / 20)
            worst = 0
            for k in range(len(cs) - 1):
                lo, hi = int(cs[k][0] * fs), int((cs[k][1] + 0.06) * fs)
                last = lo + np.nonzero(loud[lo:hi])[0][-1]
                lo2, hi2 = int((cs[k + 1][0] - 0.06) * fs), int(cs[k + 1][1] * fs)
                first = lo2 + np.nonzero(loud[lo2:hi2])[0][0]
                gap = (first - last) / fs * 1000
                worst = max(worst, abs(gap - want[k]))
            t.ok(worst <= tol, "%s: every pause in the %s, sound to sound, is the template's within %d ms "
                 "(worst %.0f ms)" % (tag, name, tol, worst))

        every = (b, lang) == LONG
        # loudness and true peak of every file, decoded
        for ext in (".mp3", ".wav") + ((".flac", ".ogg", ".opus", "-8k.wav") if every else ()):
            y, yfs = read(base + ext)
            lu, tp = loudness.integrated(y, yfs), loudness.true_peak(y)
            t.ok(abs(lu + 20) <= 0.5 and tp <= -1.5,
                 "%s%s: %.2f LUFS (target -20 ± 0.5), true peak %.2f dBTP (ceiling -1.5)" % (tag, ext, lu, tp))
        t.ok(abs(len(w) / fs - duration) < 0.001, tag + ": the WAV has the MP3's timeline")
        # sample for sample: the WAV's speech sits where the MP3 decodes it
        # (the pause checks above cannot see every sentence shifted alike)
        lag, corr = aligned(x, w, fs)
        t.ok(abs(lag) <= 2 and corr > 0.95,
             "%s: the WAV lines up with the decoded MP3 (best lag %d samples, correlation %.3f)"
             % (tag, lag, corr))
        if every:
            t.eq(read(base + "-8k.wav")[1], 8000, tag + ": the phone file is 8 kHz")
            t.ok(abs(len(read(base + "-8k.wav")[0]) / 8000 - duration) < 0.001,
                 tag + ": the phone file has the same timeline")
            t.eq(read(base + ".opus")[1] in (24000, 48000), True, tag + ": Opus at an Opus rate")
            t.ok(abs(len(read(base + ".flac")[0]) / fs - duration) < 0.001, tag + ": FLAC has the MP3's timeline")
            t.ok(np.array_equal(read(base + ".flac")[0], w), tag + ": FLAC holds the WAV's samples")

        # WAV markers: cue points at the chapters, labels from LIST/adtl
        raw = open(base + ".wav", "rb").read()
        t.ok(raw[:4] == b"RIFF" and int.from_bytes(raw[4:8], "little") == len(raw) - 8,
             tag + ": the RIFF size covers the file")
        chunks, i = {}, 12
        while i + 8 <= len(raw):
            cid, n = raw[i:i + 4], int.from_bytes(raw[i + 4:i + 8], "little")
            chunks.setdefault(cid, []).append(raw[i + 8:i + 8 + n])
            i += 8 + n + (n & 1)
        cue = chunks.get(b"cue ", [b""])[0]
        count = int.from_bytes(cue[:4], "little") if cue else 0
        points = {int.from_bytes(cue[4 + 24 * k:8 + 24 * k], "little"):
                  int.from_bytes(cue[24 + 24 * k:28 + 24 * k], "little") for k in range(count)}
        labels = {}
        for lst in chunks.get(b"LIST", []):
            if lst[:4] != b"adtl":
                continue
            j = 4
            while j + 8 <= len(lst):
                sid, n = lst[j:j + 4], int.from_bytes(lst[j + 4:j + 8], "little")
                if sid == b"labl":
                    labels[int.from_bytes(lst[j + 8:j + 12], "little")] = \
                        lst[j + 12:j + 8 + n].rstrip(b"\0").decode()
                j += 8 + n + (n & 1)
        t.eq(count, npos, tag + ": a WAV cue point per position")
        t.ok(all(abs(points.get(k + 1, -1) / fs - starts[k]) < 0.001 for k in range(npos)),
             tag + ": cue points at the chapter starts")
        t.eq([labels.get(k + 1) for k in range(npos)], [p["list"] for p in s["positions"]],
             tag + ": each cue point labelled (LIST/adtl labl)")

        # Ogg comments
        for ext, cls in ((".ogg", mutagen.oggvorbis.OggVorbis), (".opus", mutagen.oggopus.OggOpus)) if every else ():
            tags = cls(base + ext).tags
            times = [tags.get("CHAPTER%03d" % (k + 1), [""])[0] for k in range(npos)]
            names = [tags.get("CHAPTER%03dNAME" % (k + 1), [""])[0] for k in range(npos)]
            ok = all(re.match(r"\d\d:\d\d:\d\d\.\d\d\d$", v) for v in times)
            secs = [int(v[:2]) * 3600 + int(v[3:5]) * 60 + float(v[6:]) for v in times] if ok else []
            t.ok(ok and all(abs(a - b2) < 0.001 for a, b2 in zip(secs, starts)) and
                 names == [p["list"] for p in s["positions"]] and "CHAPTER%03d" % (npos + 1) not in tags,
                 tag + ext + ": CHAPTERxxx comments at the chapters, named")

        # positions folder and playlist
        pdir = os.path.join(d, "positions")
        pl = open(os.path.join(pdir, "playlist.m3u8"), encoding="utf-8").read().splitlines()
        t.eq(pl[0], "#EXTM3U", tag + ": the playlist is M3U")
        files = [l for l in pl if l and not l.startswith("#")]
        t.eq(len(files), npos + 2, tag + ": the playlist lists the intro, each position and the end")
        t.ok(all(re.match(r"\d\d-", f) for f in files) and files == sorted(files),
             tag + ": file names are numbered so that any player sorts them in order")
        t.ok(all(files[k + 1].startswith("%02d-" % (k + 1)) for k in range(npos)),
             tag + ": position k's file starts with its number")

        def frames(path):
            data = open(path, "rb").read()
            n = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
            return data[10 + n:] if data[:3] == b"ID3" else data
        joined = b"".join(frames(os.path.join(pdir, f)) for f in files)
        t.ok(joined == frames(base + ".mp3"),
             tag + ": the position files are the main MP3's frames, cut at the sections, nothing re-encoded")
        firsts = [read(os.path.join(pdir, f))[0] for f in files[1:npos + 1]]
        good = all(best_match(y[:len(c) + 2 * FRAME + 256], c)[0] > 0.9 for y, c in zip(firsts, clips))
        t.ok(good, tag + ": each position file begins with its number")
        dur = sum(len(read(os.path.join(pdir, f))[0]) for f in files) / fs
        t.ok(abs(dur - duration) < 0.001, tag + ": the position files add up to the whole track")

        # DAISY 2.02
        ncc = ET.parse(os.path.join(d, "ncc.html")).getroot()
        ns = {"h": "http://www.w3.org/1999/xhtml"}
        meta = {m.get("name"): m.get("content") for m in ncc.iter("{%s}meta" % ns["h"]) if m.get("name")}
        heads = list(ncc.iter("{%s}h1" % ns["h"]))
        t.eq(meta.get("dc:format"), "Daisy 2.02", tag + ": ncc.html is DAISY 2.02")
        t.eq(meta.get("ncc:multimediaType"), "audioNcc", tag + ": an audio-only book")
        t.eq(int(meta.get("ncc:tocItems", 0)), len(heads), tag + ": tocItems counts the headings")
        t.eq(len(heads), npos + 2, tag + ": headings: title, each position, closing")
        t.eq(heads[0].get("class"), "title", tag + ": the first heading is the title")
        t.eq([h.find("h:a", ns).text for h in heads[1:npos + 1]], [p["list"] for p in s["positions"]],
             tag + ": position headings in ballot order")
        clips_daisy, audio_src, ok_links = [], set(), True
        for h in heads:
            href = h.find("h:a", ns).get("href")
            smil_name, frag = href.split("#")
            smil = ET.parse(os.path.join(d, smil_name)).getroot()
            ids = {e.get("id"): e for e in smil.iter()}
            text = ids.get(frag)
            ok_links &= text is not None and text.get("src") == "ncc.html#" + h.get("id")
            for a in smil.iter("audio"):
                audio_src.add(a.get("src"))
                b0 = float(re.match(r"npt=([\d.]+)s", a.get("clip-begin")).group(1))
                b1 = float(re.match(r"npt=([\d.]+)s", a.get("clip-end")).group(1))
                clips_daisy.append((b0, b1))
        t.ok(ok_links, tag + ": every heading links to its SMIL text, and back")
        t.eq(audio_src, {"%s-%s.mp3" % (b, lang)}, tag + ": every DAISY clip points into the one MP3")
        t.ok(clips_daisy[0][0] == 0 and all(abs(clips_daisy[k][1] - clips_daisy[k + 1][0]) < 1e-9
                                            for k in range(len(clips_daisy) - 1)),
             tag + ": DAISY clips are consecutive from 0")
        t.ok(abs(clips_daisy[-1][1] - duration) < 0.001 and
             abs(sum(b1 - b0 for b0, b1 in clips_daisy) - duration) < 0.002,
             tag + ": DAISY clips add up to the audio's length (%.3f s)" % duration)
        tt = meta.get("ncc:totalTime", "")
        t.ok(re.match(r"\d\d:\d\d:\d\d$", tt) and abs(int(tt[:2]) * 3600 + int(tt[3:5]) * 60 + int(tt[6:])
                                                      - duration) <= 0.5, tag + ": ncc:totalTime")

        # the review page: a row per sentence, with what the voice was given
        class Rows(html.parser.HTMLParser):
            rows, cell, cur, inside = [], [], [], False

            def handle_starttag(self, tg, a):
                if tg == "tr":
                    self.cur = []
                if tg == "td":
                    self.inside, self.cell = True, []

            def handle_endtag(self, tg):
                if tg == "td":
                    self.inside = False
                    self.cur.append("".join(self.cell))
                if tg == "tr" and self.cur:
                    self.rows.append(self.cur)

            def handle_data(self, data):
                if self.inside:
                    self.cell.append(data)
        rp = Rows()
        rp.rows = []
        rp.feed(open(base + "-review.html", encoding="utf-8").read())
        t.eq([row[1] for row in rp.rows], [x_ for _, _, x_ in sentences],
             tag + ": the review page has a row per sentence")
        t.ok(all(row[2] and "«" not in row[2] for row in rp.rows),
             tag + ": the review page shows the text the voice was given")

        if not every:
            continue
        # the speed variant: slower, same pitch, chapters in the same order
        v = base + "-0.75x.mp3"
        y, _ = read(v)
        ratio = (len(y) / fs) / duration
        t.ok(1.2 < ratio < 1.4, tag + ": the 0.75x variant lasts about 1/0.75 as long (%.2f)" % ratio)
        vc = [c for c in mutagen.id3.ID3(v).getall("CHAP")]
        t.eq(len(vc), npos, tag + ": the speed variant has its chapters")

        def pitch(sig):
            # median fundamental of voiced 40 ms frames, by autocorrelation
            f0 = []
            for i in range(0, len(sig) - 882, 441):
                fr = sig[i:i + 882] * np.hanning(882)
                if np.sqrt(np.mean(fr ** 2)) < 0.02:
                    continue
                ac = np.correlate(fr, fr, "full")[881:]
                lo, hi = int(fs / 400), int(fs / 70)
                k = lo + int(np.argmax(ac[lo:hi]))
                if ac[k] > 0.4 * ac[0]:
                    f0.append(fs / k)
            return float(np.median(f0))
        c0 = cs[0]
        vcs = cues(base + "-0.75x.vtt")
        p1 = pitch(x[int(c0[0] * fs):int(c0[1] * fs)])
        p2 = pitch(y[int(vcs[0][0] * fs):int(vcs[0][1] * fs)])
        t.ok(abs(p2 / p1 - 1) < 0.06, tag + ": the speed variant keeps the pitch (%.0f Hz vs %.0f Hz)" % (p2, p1))


# Same input, same bytes: under a comma-decimal locale, another time zone,
# another working folder, with a clip cache filled in another order first.
def tree(root):
    h = {}
    for dp, _, fn in os.walk(root):
        for f in fn:
            p = os.path.join(dp, f)
            h[os.path.relpath(p, root)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return h


try:
    locale.setlocale(locale.LC_ALL, "ru_RU.UTF-8")
    comma = locale.localeconv()["decimal_point"] == ","
finally:
    locale.setlocale(locale.LC_ALL, "C")
t.ok(comma, "ru_RU.UTF-8 exists and writes a decimal comma")
first = os.path.join(tmp, "first")
bk.run("audio", EX, "-o", first, "--ballot", "mazhilis-list", "--ballot", "maslikhat-ayagoz-05",
       env={"LC_ALL": "C", "TZ": "UTC"}, check_rc=0)
cache = os.path.join(tmp, "cache")
bk.run("audio", EX, "-o", os.path.join(tmp, "other"), "--ballot", "maslikhat-ayagoz-05",
       "--ballot", "mazhilis-03", "--lang", "ru,kk", "--cache", cache, check_rc=0)
work = os.path.join(tmp, "elsewhere")
os.makedirs(work)
second = os.path.join(tmp, "second")
r = bk.run("audio", os.path.abspath(EX), "-o", second, "--ballot", "maslikhat-ayagoz-05",
           "--ballot", "mazhilis-list", "--cache", cache,
           env={"LC_ALL": "ru_RU.UTF-8", "LANG": "ru_RU.UTF-8", "TZ": "Asia/Almaty"}, check_rc=0)
a, b2 = tree(first), tree(second)
t.ok(len(a) > 40 and a == b2, "two builds are byte-identical (%d files): ru_RU locale, another "
     "time zone, another order, clips from a cache filled by other ballots" % len(a),
     "\n".join(sorted(set(k for k in a if a.get(k) != b2.get(k)))))
n_cache = sum(len(f) for _, _, f in os.walk(cache))
t.ok(n_cache > 20, "the disk cache holds the clips and encoded sentences (%d files)" % n_cache)
# a damaged cache entry is a miss, never wrong bytes
victim = None
for dp, _, fn in os.walk(os.path.join(cache, "clips")):
    if fn:
        victim = os.path.join(dp, fn[0])
        break
for dp, _, fn in os.walk(os.path.join(cache, "mp3")):
    for f in fn:
        p = os.path.join(dp, f)
        data = bytearray(open(p, "rb").read())
        data[len(data) // 2] ^= 0xFF
        open(p, "wb").write(bytes(data))
if victim:
    open(victim, "wb").write(open(victim, "rb").read()[:100])
third = os.path.join(tmp, "third")
bk.run("audio", EX, "-o", third, "--ballot", "mazhilis-list", "--ballot", "maslikhat-ayagoz-05",
       "--cache", cache, check_rc=0)
t.ok(tree(third) == a, "damaged and truncated cache files are ignored: the same bytes again")

# Errors a clerk can act on.
r = bk.run("audio", EX, "-o", os.path.join(tmp, "x"), "--formats", "audio-mp3,wma")
t.ok(r.returncode == 64 and b"wma" in r.stderr, "an unknown format is refused, named (exit 64)")
r = bk.run("audio", EX, "-o", os.path.join(tmp, "x"), "--speed", "3")
t.eq(r.returncode, 64, "a speed outside 0.5-2.0 is refused")
r = bk.run("audio", EX, "-o", os.path.join(tmp, "x"), "--lang", "en")
t.eq(r.returncode, 64, "a language the election does not use is refused")
r = bk.run("audio", EX, "-o", os.path.join(tmp, "x"), "--ballot", "nope")
t.ok(r.returncode == 64 and b"nope" in r.stderr, "an unknown ballot is refused, named")
r = bk.run("audio", EX, "-o", os.path.join(tmp, "x"), "--loudness", "-5")
t.ok(r.returncode == 64 and b"loudness" in r.stderr, "a loudness target out of range is refused")
r = bk.run("audio", EX, "-o", os.path.join(tmp, "x"), "--format", "mp3")
t.eq(r.returncode, 64, "stencil's --format does not apply to audio")
blocker = os.path.join(tmp, "file")
open(blocker, "w").write("x")
r = bk.run("audio", EX, "-o", os.path.join(blocker, "sub"), "--ballot", "maslikhat-ayagoz-05", "--lang", "ru")
t.ok(r.returncode == 73 and blocker.encode() in r.stderr, "an output folder that cannot be made: exit 73, named")
r = bk.run("audio", os.path.join(bk.BROKEN, "08-unknown-field-nmae.json"), "-o", os.path.join(tmp, "x"))
t.ok(r.returncode == 65 and b"nmae" in r.stderr, "an invalid definition: exit 65, located")
t.ok(not os.path.exists(os.path.join(tmp, "x")), "nothing is written for a refused command")
tdir = os.path.join(tmp, "templates")
shutil.copytree(os.path.join(bk.ROOT, "templates"), tdir)
kkf = os.path.join(tdir, "speech", "kk.json")
text = open(kkf, encoding="utf-8").read()
open(kkf, "w", encoding="utf-8").write(text.replace('"voice": "kk"', '"voice": "zz"'))
r = bk.run("audio", EX, "--templates", tdir, "-o", os.path.join(tmp, "x"), "--ballot", "mazhilis-list")
t.ok(r.returncode == 78 and b'"zz"' in r.stderr and b"no such voice" in r.stderr,
     "a voice eSpeak NG does not have: exit 78, named")
r = bk.run("speak", "--templates", tdir, "--lang", "kk", "Нөмір 1.")
t.ok(r.returncode == 78 and b'"zz"' in r.stderr, "speak with that voice: exit 78, named")
open(kkf, "w", encoding="utf-8").write(text.replace('"sentence": 450', '"sentence": -5'))
r = bk.run("audio", EX, "--templates", tdir, "-o", os.path.join(tmp, "x"))
t.ok(r.returncode == 78 and b"kk.json:" in r.stderr and b"0 to 10000" in r.stderr,
     "a negative pause in the templates: exit 78, with file and line")
leftovers = [f for dp, _, fn in os.walk(tmp) for f in fn if ".tmp-" in f]
t.eq(leftovers, [], "no temporary files are left behind")

shutil.rmtree(tmp)
t.done()
