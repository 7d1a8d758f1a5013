"""An independent reader of Kazakh and Russian braille cells, for tests.

The letter cells are written here by hand from the published Russian
braille alphabet and the nine Kazakh letters (../shared/reference/braille.md),
not taken from liblouis. Reads uncontracted text: letters, digits after the
number sign, Latin words after ⠨/⠠, and the punctuation ballot lists use.
"""

RU = dict(zip(
    "⠁⠃⠺⠛⠙⠑⠡⠚⠵⠊⠯⠅⠇⠍⠝⠕⠏⠗⠎⠞⠥⠋⠓⠉⠟⠱⠭⠷⠮⠾⠪⠳⠫",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"))
KK = dict(zip("⠜⠻⠹⠩⠣⠬⠌⠧⠽", "әғқңөұүһі"))
LATIN = dict(zip(
    "⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵",
    "abcdefghijklmnopqrstuvwxyz"))
DIGITS = dict(zip("⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚", "1234567890"))
PUNCT = {"⠂": ",", "⠲": ".", "⠒": ":", "⠤": "-", "⠦": "«", "⠴": "»",
         "⠆": ";", "⠖": "!", "⠢": "?", "⠀": " "}


def read(cells, lang):
    """Unicode braille -> lower-case print text."""
    letters = dict(RU)
    if lang == "kk":
        letters.update(KK)
    out, mode = [], "text"
    i = 0
    while i < len(cells):
        c = cells[i]
        if c == "⠼":
            mode = "number"
        elif c in ("⠨", "⠠"):
            mode = "latin"
        elif c == "⠀":
            out.append(" ")
            mode = "text"
        elif mode == "number" and c in DIGITS:
            out.append(DIGITS[c])
        elif mode == "number" and c == "⠲" and i + 1 < len(cells) and cells[i + 1] in DIGITS:
            out.append(".")
        elif mode == "latin" and c in LATIN:
            out.append(LATIN[c])
        elif c in PUNCT:
            out.append(PUNCT[c])
            if c not in ("⠲",):
                mode = "text"
            else:
                mode = "text"
        elif c == "⠐":
            pass  # a Cyrillic letter right after a digit
        elif c in letters:
            out.append(letters[c])
            mode = "text"
        else:
            raise ValueError("cell %s (U+%04X) at %d in %s is not in the %s table"
                             % (c, ord(c), i, cells, lang))
        i += 1
    return "".join(out)


def normalise(text):
    """Print text as the braille tables write it, for comparison: lower
    case, "№ " read as "н", no space after a comma or colon (the Russian
    braille rule the tables follow)."""
    t = text.lower().replace("№ ", "н").replace("№", "н")
    t = t.replace(", ", ",")
    return t
