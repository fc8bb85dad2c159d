#!/usr/bin/env python3
"""Checks a folder written by `magpie train --encoder DIR --fine-tune` against PyTorch.

Loads the folder with `transformers` exactly as it is (AutoModelForSequenceClassification and
AutoTokenizer), classifies a set of texts, and compares each class's log-probability (the
logits up to softmax's shift) with `magpie predict` on the same folder. Exits non-zero, naming
the text and class, when any differs by more than the tolerance.

    python3 scripts/reference/check_fine_tuned.py FOLDER [--magpie .build/release/magpie] [--texts FILE]

Needs torch (the CPU wheel from PyPI) and transformers.
"""
import argparse
import json
import math
import subprocess
import sys

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

TEXTS = [
    "Hello, world!",
    "I loved this film: the acting, the music and the story all work.",
    "bad",
    "@user you are the worst, and this is the most boring thing I have ever watched #fail",
    "An utterly forgettable sequel. " * 40,
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--magpie", default=".build/release/magpie")
    parser.add_argument("--texts", help="a file of texts, one per line")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    arguments = parser.parse_args()
    texts = TEXTS
    if arguments.texts:
        with open(arguments.texts, encoding="utf-8") as handle:
            texts = [line.strip() for line in handle if line.strip()]

    tokenizer = AutoTokenizer.from_pretrained(arguments.folder)
    model = AutoModelForSequenceClassification.from_pretrained(arguments.folder).eval()
    names = [model.config.id2label[index] for index in range(model.config.num_labels)]
    with torch.no_grad():
        batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        reference = torch.log_softmax(model(**batch).logits.double(), dim=-1).tolist()

    output = subprocess.run(
        [arguments.magpie, "predict", "--model", arguments.folder, *texts], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    worst = 0.0
    for text, expected, line in zip(texts, reference, output, strict=True):
        scores = json.loads(line)["scores"]
        for name, value in zip(names, expected):
            difference = abs(math.log(max(scores[name], 1e-300)) - value)
            worst = max(worst, difference)
            if difference > arguments.tolerance:
                sys.exit(f"{text[:60]!r}: class {name}: Magpie's log-probability differs from PyTorch's by {difference:.2e}")
    print(f"{len(texts)} texts, {len(names)} classes: largest log-probability difference {worst:.2e} (tolerance {arguments.tolerance})")


if __name__ == "__main__":
    main()
