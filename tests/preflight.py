"""The PDF/X-4 preflight of the print shop's PDFs, shared by test_pdfx.py
(the stencil print PDFs) and test_print_job.py (the imposed sheets).

preflight() checks, by parsing the PDF with pikepdf (never by searching
its bytes), what a prepress department's preflight asks of a PDF/X-4
file: version 1.6 or later; no encryption; a document ID; the Info's
GTS_PDFXVersion "PDF/X-4", Trapped False, CreationDate and ModDate
(D:...) equal to the XMP's dates, and its Title the XMP's dc:title; an
OutputIntent /GTS_PDFX with an OutputConditionIdentifier and an embedded
CMYK ICC profile; XMP metadata saying PDF/X-4 with xmpMM DocumentID,
VersionID and RenditionClass; on every page a TrimBox inside a BleedBox
inside the MediaBox; every font embedded, in the page's resources and in
those of the form XObjects it draws (an imposed sheet's stencils); no
actions or JavaScript; the separations named as the file's kind asks
(CutContour and Braille for the print stencils, the process plates Black
and Cyan for the swell stencils), each with a DeviceCMYK alternate."""
import pikepdf


def resources(res, seen=None):
    """res and the resources of every form XObject under it."""
    seen = set() if seen is None else seen
    yield res
    xo = res.get("/XObject", pikepdf.Dictionary())
    for k in xo.keys():
        x = xo[k]
        key = x.objgen
        if key in seen or x.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        yield from resources(x.get("/Resources", pikepdf.Dictionary()), seen)


def pdf_date_to_xmp(d):
    d = str(d)[2:]
    return "%s-%s-%sT%s:%s:%s" % (d[0:4], d[4:6], d[6:8], d[8:10], d[10:12], d[12:14])


PRINT = ("CutContour", "Braille")
SWELL = ("Black", "Cyan")


def preflight(path, separations=PRINT):
    """The requirements that fail, as short names ([] when it passes)."""
    bad = []
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return ["encrypted"]
    if pdf.is_encrypted:
        bad.append("encrypted")
    if tuple(int(x) for x in pdf.pdf_version.split(".")) < (1, 6):
        bad.append("version")
    if "/ID" not in pdf.trailer or len(pdf.trailer.ID) != 2:
        bad.append("id")
    info = pdf.trailer.get("/Info", pikepdf.Dictionary())
    if str(info.get("/GTS_PDFXVersion", "")) != "PDF/X-4":
        bad.append("gts-version")
    if info.get("/Trapped") not in (pikepdf.Name.False_, pikepdf.Name("/False")):
        bad.append("trapped")
    dates = [info.get(k) for k in ("/CreationDate", "/ModDate")]
    if not all(d is not None and str(d).startswith("D:") for d in dates):
        bad.append("dates")
    intents = [oi for oi in pdf.Root.get("/OutputIntents", []) if oi.get("/S") == "/GTS_PDFX"]
    if not intents:
        bad.append("output-intent")
    else:
        oi = intents[0]
        prof = oi.get("/DestOutputProfile")
        data = prof.read_bytes() if isinstance(prof, pikepdf.Stream) else b""
        if "/OutputConditionIdentifier" not in oi or prof is None or prof.get("/N") != 4 or \
                data[36:40] != b"acsp" or data[16:20] != b"CMYK":
            bad.append("output-intent")
    if "/Metadata" not in pdf.Root:
        bad.append("xmp")
    else:
        with pdf.open_metadata() as m:
            if m.get("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
                bad.append("xmp")
            elif not all(m.get("xmpMM:" + k) for k in ("DocumentID", "VersionID", "RenditionClass")):
                bad.append("xmp")
            elif str(m.get("dc:title", "")) != str(info.get("/Title", "")):
                bad.append("xmp")
            elif "dates" not in bad and (
                    not str(m.get("xmp:CreateDate", "")).startswith(pdf_date_to_xmp(dates[0])) or
                    not str(m.get("xmp:ModifyDate", "")).startswith(pdf_date_to_xmp(dates[1]))):
                bad.append("xmp")
    if "/OpenAction" in pdf.Root or "/AA" in pdf.Root or \
            "/JavaScript" in pdf.Root.get("/Names", pikepdf.Dictionary()):
        bad.append("actions")
    seps = set()
    for page in pdf.pages:
        mb = [float(x) for x in page.MediaBox]
        tb = [float(x) for x in page.obj.get("/TrimBox", [])]
        bb = [float(x) for x in page.obj.get("/BleedBox", [])]
        if len(tb) != 4 or len(bb) != 4 or not (
                mb[0] <= bb[0] <= tb[0] and mb[1] <= bb[1] <= tb[1] and
                tb[2] <= bb[2] <= mb[2] and tb[3] <= bb[3] <= mb[3]):
            bad.append("boxes")
        for res in resources(page.obj.get("/Resources", pikepdf.Dictionary())):
            fonts = res.get("/Font", pikepdf.Dictionary())
            for f in (fonts[k] for k in fonts.keys()):
                if f.get("/Subtype") == "/Type3":
                    continue
                desc = f.get("/FontDescriptor")
                if "/DescendantFonts" in f:
                    desc = f.DescendantFonts[0].get("/FontDescriptor")
                if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    bad.append("fonts")
            spaces = res.get("/ColorSpace", pikepdf.Dictionary())
            for cs in (spaces[k] for k in spaces.keys()):
                if isinstance(cs, pikepdf.Array) and cs[0] == "/Separation":
                    seps.add((str(cs[1])[1:], str(cs[2])))
    if seps != {(n, "/DeviceCMYK") for n in separations}:
        bad.append("separations")
    return sorted(set(bad))


