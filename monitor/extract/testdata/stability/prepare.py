#!/usr/bin/env python3
"""Rebuilds this folder from the shared material (see README.md).

    prepare.py BENCHMARK_DIR GOVUK_PAGES_TAR_GZ

BENCHMARK_DIR is the article-extraction benchmark (html/<id>.html.gz and
ground-truth.json); GOVUK_PAGES_TAR_GZ is real-revisions/govuk-pages.tar.gz.
Standard library only; the output is deterministic (gzip mtime 0).
"""
import gzip, io, json, os, re, sys, tarfile

here = os.path.dirname(os.path.abspath(__file__))


def gz(path, data):
    with open(path, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as z:
            z.write(data)


# Script and style bodies are emptied (JSON-LD kept: it carries metadata)
# and comments dropped: they are most of a page's bytes and none of its text.
SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)(</script\s*>)", re.S | re.I)
STYLE = re.compile(r"(<style\b[^>]*>).*?(</style\s*>)", re.S | re.I)
COMMENT = re.compile(r"<!--.*?-->", re.S)


def slim(page):
    def script(m):
        if re.search(r"""type\s*=\s*["']?application/ld\+json""", m.group(1), re.I):
            return m.group(0)
        return m.group(1) + m.group(3)
    page = SCRIPT.sub(script, page)
    page = STYLE.sub(r"\1\2", page)
    return COMMENT.sub("", page)


def benchmark(src):
    truth = json.load(open(os.path.join(src, "ground-truth.json"), encoding="utf-8"))
    out = {}
    for pid in sorted(truth):
        raw = gzip.open(os.path.join(src, "html", pid + ".html.gz")).read().decode("utf-8")
        gz(os.path.join(here, "pages", pid + ".html.gz"), slim(raw).encode("utf-8"))
        out[pid] = {"url": truth[pid]["url"], "articleBody": truth[pid]["articleBody"]}
    gz(os.path.join(here, "ground-truth.json.gz"), json.dumps(out, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8"))


def govuk(tar_path):
    """Versions of one page share most lines: each page keeps its distinct
    lines once and each version as the list of its lines' indexes."""
    tar = tarfile.open(tar_path)
    files = {m.name: m for m in tar.getmembers()}
    manifest = json.load(tar.extractfile(files["govuk-pages/manifest.json"]))
    pages = []
    for p in manifest["pages"]:
        lines, index, versions = [], {}, []
        for v in p["versions"]:
            text = tar.extractfile(files["govuk-pages/" + v["html"]]).read().decode("utf-8")
            seq = []
            for line in text.split("\n"):
                if line not in index:
                    index[line] = len(lines)
                    lines.append(line)
                seq.append(index[line])
            versions.append({"n": v["n"], "date": v["date"], "change_note": v["change_note"], "sha256": v["sha256"], "lines": seq})
        pages.append({"id": p["id"], "url": p["url"], "lines": lines, "versions": versions})
    doc = {"source": manifest["source"], "license": manifest["license"], "pages": pages}
    gz(os.path.join(here, "govuk-pages.json.gz"), json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


if __name__ == "__main__":
    benchmark(sys.argv[1])
    govuk(sys.argv[2])
