"""BentoML with its adaptive batching (batchable, max_batch_size, max_latency_ms) over
OnnxClassifier."""
import os
import sys

import bentoml

sys.path.insert(0, os.path.dirname(__file__))
from onnx_classifier import OnnxClassifier  # noqa: E402


@bentoml.service(workers=1)
class Classifier:
    def __init__(self):
        self.classify = OnnxClassifier()

    @bentoml.api(batchable=True, max_batch_size=64, max_latency_ms=5000)
    def classify_texts(self, texts: list[str]) -> list[dict]:
        return self.classify(texts)
