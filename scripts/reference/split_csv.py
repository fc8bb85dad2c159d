#!/usr/bin/env python3
"""Splits a CSV into the training and held-out files that docs/fine-tuning.md reports on.

Two ways, so each figure's split can be made again exactly:

    # the hate-speech split: per class, a seeded shuffle, and int(20%) of each class held out
    python3 scripts/reference/split_csv.py labeled_data.csv --stratify class --fraction 0.2 \
        --seed 2026 --train hs-train.csv --heldout hs-test.csv

    # the IMDB split: the last N rows held out, in file order
    python3 scripts/reference/split_csv.py train.csv --tail 2500 \
        --train imdb-train-22500.csv --heldout imdb-heldout-2500.csv

Rows keep their file order in both outputs. Only the standard library is used.
"""
import argparse
import csv
import random
import sys


def stratified(rows, column, fraction, seed):
    generator = random.Random(seed)
    by_class = {}
    for index, row in enumerate(rows):
        if column not in row:
            sys.exit(f"split_csv: no column '{column}' in the header")
        by_class.setdefault(row[column], []).append(index)
    heldout = set()
    for label in sorted(by_class):
        indices = by_class[label]
        generator.shuffle(indices)
        heldout.update(indices[: int(len(indices) * fraction)])
    return heldout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("--train", required=True)
    parser.add_argument("--heldout", required=True)
    parser.add_argument("--stratify", metavar="COLUMN")
    parser.add_argument("--fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tail", type=int, metavar="N")
    arguments = parser.parse_args()
    if (arguments.stratify is None) == (arguments.tail is None):
        parser.error("give exactly one of --stratify COLUMN and --tail N")

    with open(arguments.data, newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        header = reader.fieldnames
        rows = list(reader)
    if arguments.tail is not None:
        heldout = set(range(max(0, len(rows) - arguments.tail), len(rows)))
    else:
        heldout = stratified(rows, arguments.stratify, arguments.fraction, arguments.seed)

    for path, keep in ((arguments.train, False), (arguments.heldout, True)):
        with open(path, "w", newline="", encoding="utf-8") as target:
            writer = csv.DictWriter(target, fieldnames=header)
            writer.writeheader()
            writer.writerows(row for index, row in enumerate(rows) if (index in heldout) == keep)
    print(f"{arguments.train}: {len(rows) - len(heldout)} rows, {arguments.heldout}: {len(heldout)} rows")


if __name__ == "__main__":
    main()
