#!/usr/bin/env python3
"""Writes Tests/TextFeaturesTests/Fixtures/porter-nltk.tsv: word <TAB> NLTK's Porter stem.

Run once (needs `pip install nltk`); the output is committed so tests need no Python.
The words are every distinct lowercase alphabetic word of the bundled tweets plus the classic
examples of Porter's paper. NLTK's MARTIN_EXTENSIONS mode is Martin Porter's reference
implementation, which Magpie's stemmer and the Node `natural` library follow.
"""
import csv
import pathlib
import re

from nltk.stem.porter import PorterStemmer

root = pathlib.Path(__file__).resolve().parent.parent
classic = """caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated
troubled sized hopping tanned falling hissing fizzed failing filing happy sky relational
conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli
analogousli vietnamization predication operator feudalism decisiveness hopefulness
callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti
electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable
defensible irritant replacement adjustment dependent adoption homologou communism activate
angulariti homologous effective bowdlerize probate rate cease controll roll generalizations
oscillators archaeology apology""".split()
words = set(classic)
with open(root / "data/hate-speech/labeled_data.csv", encoding="utf-8", newline="") as handle:
    for row in csv.DictReader(handle):
        words.update(re.findall(r"[a-z]+", row["tweet"].lower()))
stemmer = PorterStemmer(mode=PorterStemmer.MARTIN_EXTENSIONS)
out = root / "Tests/TextFeaturesTests/Fixtures/porter-nltk.tsv"
with open(out, "w", encoding="utf-8") as handle:
    for word in sorted(words):
        handle.write(f"{word}\t{stemmer.stem(word, to_lowercase=False)}\n")
print(f"{len(words)} words written to {out}")
