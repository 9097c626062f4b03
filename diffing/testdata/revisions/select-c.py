#!/usr/bin/env python3
"""Select the pairs labeller C labels (labels-c.jsonl).

The random halves labelled by A and B (indexes = 0 and 1 mod 3) hold almost no
re-attributions, speaker-role changes or claim-source changes, so their recall
cannot be measured there. C labels, among indexes = 2 (mod 3), every pair that a
neutral text filter (it knows nothing of redline) marks as likely to hold one:

  A. a paragraph present in both versions (not wholly added or removed) has a
     changed word within WINDOW words of an attribution cue (CUES below, or a
     paragraph-final ":" that introduces a "> " blockquote paragraph);
  B. the title changed within WINDOW words of an attribution cue, or its trailing
     attribution changed (the part after the last " - ", " – " or ": ");
  C. the publisher's change note mentions quote / attribut / name / title / role;
  D. a run of paragraphs was replaced by another (difflib over paragraphs) and
     both runs hold a paragraph with an attribution cue, a "> " blockquote or a
     paragraph-final ":" (a quote or its attribution rewritten beyond pairing);
  E. a paragraph with a speech cue (SPEECH below, a quotation mark or a "> "
     blockquote) was added or removed (quotes and their speakers come or go).

Words are compared lower-cased with punctuation stripped, so punctuation-only or
case-only edits do not count as changed words. Every selected pair is labelled,
in index order, with the full schema of labels-brief.md.

Usage: select-c.py [corpus.jsonl.gz]   prints one selected index a line
       select-c.py --why [corpus]      also prints which rule(s) matched
"""
import difflib
import gzip
import json
import os
import re
import sys

# the repository's copy of the public GOV.UK revisions corpus, beside this script
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "govuk-revisions.jsonl.gz")
WINDOW = 8
CUES = [
    "said", "says", "added", "according to", "told", "tells", "stated",
    "explained", "commented", "announced", "minister", "secretary",
    "chief executive", "spokesperson",
]
SPEECH = re.compile(r"\b(said|says|told|tells|according to|stated|commented|"
                    r"explained)\b|[\"\u201c\u201d]", re.I)
NOTE_RE = re.compile(r"quot|attribut|name|title|role", re.I)
PAIR_MIN_RATIO = 0.5  # paragraphs this similar are "the same paragraph, changed"


def words(s):
    return [w for w in (re.sub(r"[^\w£$%.,-]", "", t).strip(".,-").lower()
                        for t in s.split()) if w]


def cue_positions(ws, intro_colon):
    pos = set()
    for cue in CUES:
        cw = cue.split()
        for i in range(len(ws) - len(cw) + 1):
            if ws[i:i + len(cw)] == cw:
                pos.update(range(i, i + len(cw)))
    if intro_colon and ws:
        pos.add(len(ws) - 1)
    return pos


def near(changed, cues):
    return any(abs(c - q) <= WINDOW for c in changed for q in cues)


def changed_near_cue(a, b, a_colon, b_colon):
    wa, wb = words(a), words(b)
    ca, cb = cue_positions(wa, a_colon), cue_positions(wb, b_colon)
    sm = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        # an insertion has no old words: anchor it at the gap on that side
        old = range(i1, i2) if i2 > i1 else [i1 - 0.5]
        new = range(j1, j2) if j2 > j1 else [j1 - 0.5]
        if near(old, ca) or near(new, cb):
            return True
    return False


def intro_flags(paras):
    return [p.rstrip().endswith(":") and i + 1 < len(paras)
            and paras[i + 1].startswith("> ") for i, p in enumerate(paras)]


def rule_a(old, new):
    po, pn = old.split("\n\n"), new.split("\n\n")
    fo, fn = intro_flags(po), intro_flags(pn)
    sm = difflib.SequenceMatcher(None, po, pn, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "replace":
            continue
        for i in range(i1, i2):
            best, bj = 0.0, None
            for j in range(j1, j2):
                r = difflib.SequenceMatcher(None, words(po[i]), words(pn[j]),
                                            autojunk=False).ratio()
                if r > best:
                    best, bj = r, j
            if bj is not None and best >= PAIR_MIN_RATIO and \
                    changed_near_cue(po[i], pn[bj], fo[i], fn[bj]):
                return True
    return False


def attributed(p):
    return p.startswith("> ") or p.rstrip().endswith(":") or \
        bool(cue_positions(words(p), False))


def speech(p):
    return p.startswith("> ") or bool(SPEECH.search(p))


def runs(old, new):
    po, pn = old.split("\n\n"), new.split("\n\n")
    sm = difflib.SequenceMatcher(None, po, pn, autojunk=False)
    return [(op, po[i1:i2], pn[j1:j2]) for op, i1, i2, j1, j2 in sm.get_opcodes()
            if op != "equal"]


def rule_d(old, new):
    return any(op == "replace" and any(map(attributed, a)) and any(map(attributed, b))
               for op, a, b in runs(old, new))


def rule_e(old, new):
    return any(any(map(speech, a + b)) for _, a, b in runs(old, new))


def trailing(title):
    parts = re.split(r" [-–] |: ", title)
    return words(parts[-1]) if len(parts) > 1 else []


def rule_b(t_old, t_new):
    if words(t_old) == words(t_new):
        return False
    if trailing(t_old) != trailing(t_new) and (trailing(t_old) or trailing(t_new)):
        return True
    return changed_near_cue(t_old, t_new, False, False)


def rule_c(note):
    # the note starts with its publication time and date: skip to the text
    return bool(NOTE_RE.search(note.split(": ", 1)[-1]))


def main():
    args = [a for a in sys.argv[1:] if a != "--why"]
    why = "--why" in sys.argv
    path = args[0] if args else CORPUS
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for index, line in enumerate(f):
            if index % 3 != 2:
                continue
            d = json.loads(line)
            rules = [n for n, ok in (
                ("A", lambda: rule_a(d["text_old"], d["text_new"])),
                ("B", lambda: rule_b(d["title_old"], d["title_new"])),
                ("C", lambda: rule_c(d["change_note"])),
                ("D", lambda: rule_d(d["text_old"], d["text_new"])),
                ("E", lambda: rule_e(d["text_old"], d["text_new"])),
            ) if ok()]
            if rules:
                print(index, "".join(rules) if why else "", sep="\t" if why else "")


if __name__ == "__main__":
    main()
