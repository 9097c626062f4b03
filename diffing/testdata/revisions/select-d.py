#!/usr/bin/env python3
"""Select, and order, the pairs labeller D labels (labels-d.jsonl).

Sets a, b and c (labels-a/b/c.jsonl) hold only a handful of claim-source
changes and re-attributions, too few to measure those kinds. D labels the
pairs no other set labels whose changed words touch an attribution cue. The
filter is a neutral text test; it knows nothing of redline.

  1. Each version is the title followed by the text's paragraphs. Words are
     whitespace tokens, compared lower-cased with punctuation stripped (so a
     punctuation-, case- or quote-style-only edit changes no word); tokens that
     are pure punctuation are dropped.
  2. difflib.SequenceMatcher (autojunk off) over the two word lists gives the
     changed runs (replace / insert / delete opcodes).
  3. A changed run TOUCHES a cue when, on either side, one of its words
     - is a cue word or part of a cue phrase (CUES), or
     - lies within WINDOW words of a cue in the same paragraph (an insertion,
       which has no words on one side, is placed at its gap), or
     - carries a double quotation mark (" \u201c \u201d) in its raw token, or
     - lies in a "> " blockquote paragraph.
  4. A pair is selected when at least one changed run touches a cue.
  5. A pair not selected by 4 is still selected (tier 3) when a paragraph
     (or the title) that differs between the versions holds a cue, a double
     quotation mark or is a "> " blockquote, in either version: a source may
     hide in a reworded passage, and every such pair measures the precision of
     source, quote and speaker reports.
  6. Every other pair with a changed word is tier 4: only 53 pairs pass 4
     and 5, fewer than the labelling budget, and these pairs still measure
     every report's precision (a report of a source where no cue changed).
  7. The few remaining pairs (no changed word: only punctuation, case or
     spacing differ) are tier 5, so that every pair no other set labels is
     labelled; they measure copy-edit handling.
  8. Order: first the pairs where some touching run is SMALL (at most SMALL
     words on each side: an edit inside a sentence, where a source, speaker or
     role change lives), in index order; then the other pairs selected by 4
     (only whole added/removed passages touch a cue), in index order; then
     tier 3, then tier 4, then tier 5, each in index order.

Every selected pair is labelled in this order, skipping none, with the full
schema of labels-brief.md.

Usage: select-d.py [corpus.jsonl.gz]   prints one selected index a line
       select-d.py --why [corpus]      also prints tier and the touching words
"""
import difflib
import glob
import gzip
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# the repository's copy of the public GOV.UK revisions corpus
CORPUS = os.path.join(HERE, "govuk-revisions.jsonl.gz")
WINDOW = 8
SMALL = 12
CUES = [
    "said", "says", "told", "tells", "according to", "announced", "stated",
    "spokesperson", "spokesman", "spokeswoman", "confirmed", "reported",
    "reportedly",
]
QUOTE_MARKS = re.compile("[\"\u201c\u201d]")


def tokens(title, text):
    """(word, raw token, paragraph number, is blockquote) for every word."""
    out = []
    for n, para in enumerate([title] + text.split("\n\n")):
        bq = para.startswith("> ")
        for raw in para.split():
            w = re.sub(r"[^\w£$%]", "", raw).lower()
            if w:
                out.append((w, raw, n, bq))
    return out


def cue_positions(toks):
    ws = [t[0] for t in toks]
    pos = set()
    for cue in CUES:
        cw = cue.split()
        for i in range(len(ws) - len(cw) + 1):
            if ws[i:i + len(cw)] == cw:
                pos.update(range(i, i + len(cw)))
    return pos


def touches(toks, lo, hi, cues):
    """Whether the run toks[lo:hi] (or the gap at lo when empty) touches a cue."""
    if hi > lo:
        for i in range(lo, hi):
            _, raw, para, bq = toks[i]
            if i in cues or bq or QUOTE_MARKS.search(raw):
                return True
            if any(abs(i - c) <= WINDOW and toks[c][2] == para for c in cues):
                return True
        return False
    # an insertion point: the words either side of the gap, in one paragraph
    for c in cues:
        for edge in (lo - 1, lo):
            if 0 <= edge < len(toks) and abs(edge - c) < WINDOW and toks[c][2] == toks[edge][2]:
                return True
    return False


def classify(d):
    """(tier, touching words) for a pair."""
    a = tokens(d["title_old"], d["text_old"])
    b = tokens(d["title_new"], d["text_new"])
    ca, cb = cue_positions(a), cue_positions(b)
    sm = difflib.SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    hits = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if touches(a, i1, i2, ca) or touches(b, j1, j2, cb):
            small = i2 - i1 <= SMALL and j2 - j1 <= SMALL
            hits.append((small, " ".join(t[1] for t in a[i1:i2]), " ".join(t[1] for t in b[j1:j2])))
    if not hits:
        if cue_in_changed_paragraph(d):
            return 3, []
        if any(op != "equal" for op, *_ in sm.get_opcodes()):
            return 4, []
        return 5, []
    tier = 1 if any(h[0] for h in hits) else 2
    return tier, hits


def cue_in_changed_paragraph(d):
    old = [d["title_old"]] + d["text_old"].split("\n\n")
    new = [d["title_new"]] + d["text_new"].split("\n\n")
    changed = [p for p in old if p not in new] + [p for p in new if p not in old]
    for p in changed:
        toks = tokens(p, "")
        if p.startswith("> ") or QUOTE_MARKS.search(p) or cue_positions(toks):
            return True
    return False


def labelled():
    done = set()
    for f in glob.glob(os.path.join(HERE, "labels-*.jsonl")):
        if f.endswith("labels-d.jsonl"):
            continue
        with open(f, encoding="utf-8") as fh:
            done.update(json.loads(l)["index"] for l in fh if l.strip())
    return done


def main():
    args = [a for a in sys.argv[1:] if a != "--why"]
    why = "--why" in sys.argv
    path = args[0] if args else CORPUS
    done = labelled()
    selected = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for index, line in enumerate(f):
            if index in done:
                continue
            r = classify(json.loads(line))
            if r:
                selected.append((r[0], index, r[1]))
    selected.sort(key=lambda s: (s[0], s[1]))
    for tier, index, hits in selected:
        if why:
            shown = "; ".join(f"[{o[:60]}] -> [{n[:60]}]" for s, o, n in hits if s or tier == 2)
            print(index, tier, shown[:300], sep="\t")
        else:
            print(index)


if __name__ == "__main__":
    main()
