"""The classifier every Python peer serves: a fine-tuned MiniLM exported to ONNX, run by ONNX
Runtime on one thread with the model folder's own tokenizer (the Rust `tokenizers` library),
texts padded to the longest in the batch. The model folder and the ONNX file come from the
environment (MODEL_DIR, MODEL_ONNX), set by scripts/bench_python_peers.py."""
import os

import numpy as np
import onnxruntime
from transformers import AutoConfig, AutoTokenizer


class OnnxClassifier:
    def __init__(self):
        folder = os.environ["MODEL_DIR"]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(os.environ["MODEL_ONNX"], options, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.labels = AutoConfig.from_pretrained(folder).id2label

    def __call__(self, texts):
        encoded = self.tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="np")
        logits = self.session.run(None, {"input_ids": encoded["input_ids"].astype(np.int64),
                                         "attention_mask": encoded["attention_mask"].astype(np.int64)})[0]
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities = shifted / shifted.sum(axis=1, keepdims=True)
        best = probabilities.argmax(axis=1)
        return [{"label": self.labels[int(i)], "score": float(p[i])} for i, p in zip(best, probabilities)]
