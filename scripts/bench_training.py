#!/usr/bin/env python3
"""Training, loading and prediction speed of Magpie against scikit-learn, in one run.

Runs scikit-learn's TF-IDF word 1-3 + LogisticRegression (C=3, balanced), the reference of
issue #2, with its lbfgs and liblinear solvers, then Magpie's CLI and ModelBenchmarks on the
same data, and prints each figure with its ratio. The machine is noisy: every timing is the
best of several runs, taken in the same session.

Usage: scripts/bench-training  (installs scikit-learn, builds Magpie in release mode)
"""
import csv
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "data/hate-speech/labeled_data.csv"
MAGPIE = ROOT / ".build/release/magpie"
MODEL_BENCH = ROOT / ".build/release/ModelBenchmarks"
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def best_of(function, repeats=REPEATS):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def reference(solver):
    model = LogisticRegression(C=3, class_weight="balanced", solver=solver, max_iter=1000)
    if solver == "liblinear":
        # liblinear is one-vs-rest; scikit-learn 1.8+ asks for the wrapper explicitly.
        model = OneVsRestClassifier(model)
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True), model)


def magpie(*arguments, cpus=None):
    command = [str(MAGPIE), *arguments]
    if cpus is not None:
        command = ["taskset", "-c", cpus, *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    with open(DATA, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["tweet"] for row in rows]
    labels = np.array([int(row["class"]) for row in rows])
    work = pathlib.Path(tempfile.mkdtemp(prefix="magpie-bench-"))
    train_arguments = ["train", "--data", str(DATA), "--text-column", "tweet", "--label-column", "class"]
    figures = {}

    print(f"data: {len(texts)} tweets; best of {REPEATS} runs each", file=sys.stderr)
    figures["sklearn_lbfgs_fit_s"] = best_of(lambda: reference("lbfgs").fit(texts, labels))
    figures["sklearn_liblinear_fit_s"] = best_of(lambda: reference("liblinear").fit(texts, labels))
    figures["magpie_fit_s"] = best_of(lambda: magpie(*train_arguments, "--output", str(work / "model")))
    figures["magpie_fit_one_core_s"] = best_of(
        lambda: magpie(*train_arguments, "--output", str(work / "model1"), cpus="0"))
    figures["magpie_cv5_s"] = best_of(
        lambda: magpie(*train_arguments, "--folds", "5", "--output", str(work / "cv")), repeats=1)

    fitted = reference("lbfgs").fit(texts, labels)
    sample = texts[:500]
    for text in sample[:50]:
        fitted.predict([text])
    start = time.perf_counter()
    for text in sample:
        fitted.predict([text])
    figures["sklearn_predict_us"] = (time.perf_counter() - start) / len(sample) * 1e6
    start = time.perf_counter()
    fitted.predict(texts)
    figures["sklearn_batch_texts_per_s"] = len(texts) / (time.perf_counter() - start)

    runs = []
    for _ in range(REPEATS):
        output = subprocess.run(
            [str(MODEL_BENCH), str(work / "model"), str(DATA), "tweet"], check=True, capture_output=True, text=True)
        runs.append(json.loads(output.stdout))
    figures["magpie_load_ms"] = statistics.median(run["load_ms_median"] for run in runs)
    figures["magpie_predict_us"] = statistics.median(run["predict_us_median"] for run in runs)
    figures["magpie_batch_texts_per_s"] = statistics.median(run["batch_texts_per_second"] for run in runs)
    figures["magpie_weights_bytes"] = runs[0]["weights_bytes"]

    train, test = train_test_split(np.arange(len(texts)), test_size=0.2, stratify=labels, random_state=42)
    predicted = reference("lbfgs").fit([texts[i] for i in train], labels[train]).predict([texts[i] for i in test])
    figures["sklearn_holdout_macro_f1"] = f1_score(labels[test], predicted, average="macro")
    figures["sklearn_holdout_weighted_f1"] = f1_score(labels[test], predicted, average="weighted")
    figures["sklearn_holdout_hate_recall"] = recall_score(labels[test], predicted, average=None)[0]

    lines = [
        ("final fit, all tweets (s)", figures["magpie_fit_s"], "sklearn lbfgs", figures["sklearn_lbfgs_fit_s"]),
        ("final fit, one core (s)", figures["magpie_fit_one_core_s"], "sklearn lbfgs", figures["sklearn_lbfgs_fit_s"]),
        ("final fit, all tweets (s)", figures["magpie_fit_s"], "sklearn liblinear", figures["sklearn_liblinear_fit_s"]),
        ("single-text predict (µs)", figures["magpie_predict_us"], "sklearn predict", figures["sklearn_predict_us"]),
    ]
    print(f"{'figure':28} {'magpie':>10} {'reference':>20} {'value':>10} {'speed-up':>9}")
    for name, ours, reference_name, theirs in lines:
        print(f"{name:28} {ours:10.3f} {reference_name:>20} {theirs:10.3f} {theirs / ours:8.1f}x")
    print(f"{'artifact load (ms)':28} {figures['magpie_load_ms']:10.2f}")
    print(f"{'batch predict (texts/s)':28} {figures['magpie_batch_texts_per_s']:10.0f} {'sklearn batch':>20} "
          f"{figures['sklearn_batch_texts_per_s']:10.0f} {figures['magpie_batch_texts_per_s'] / figures['sklearn_batch_texts_per_s']:8.1f}x")
    print(f"{'5-fold CV + final fit (s)':28} {figures['magpie_cv5_s']:10.2f}")
    print(f"{'weights.bin (bytes)':28} {figures['magpie_weights_bytes']:10d}")
    print(f"sklearn reference, stratified 80/20 (random_state=42): macro F1 {figures['sklearn_holdout_macro_f1']:.4f}, "
          f"weighted F1 {figures['sklearn_holdout_weighted_f1']:.4f}, hate recall {figures['sklearn_holdout_hate_recall']:.4f}")
    print(json.dumps({key: round(value, 6) for key, value in figures.items()}, sort_keys=True))


if __name__ == "__main__":
    main()
