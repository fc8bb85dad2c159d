#!/usr/bin/env python3
"""The int8 scheme of `magpie quantize`, in NumPy: the reference its Swift kernels are tested
against (Tests/EncodersTests/QuantizedEncoderParityTests). Writes Tests/TestVectors/int8/NAME.json
for the tiny BERT and tiny DistilBERT classifiers of the test vectors and, when its folder is
given, all-MiniLM-L6-v2.

The scheme: every 2-D `.weight` inside an encoder layer (query, key, value, attention output,
both feed-forward products) is quantized per output channel, symmetric, scale = largest
magnitude / 127, values rint (half to even); each input row of those products is quantized
the same way at run time, to ±32,767 levels or fewer where the int32 sum could overflow;
products are summed in integers and scaled back in float32.
Everything else (embeddings, LayerNorm, softmax, GELU, pooler, classifier) is float32.

Usage: python3 scripts/int8_reference.py [MINILM_DIR]
"""
import hashlib
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VECTORS = os.path.join(ROOT, "Tests/TestVectors")


def quantize_rows(matrix, levels=127):
    """Values within ±levels and per-row scales, as the Swift kernels compute them (float32)."""
    matrix = matrix.astype(np.float32)
    levels = np.float32(levels)
    largest = np.abs(matrix).max(axis=1)
    safe = np.where(largest > 0, largest, levels)
    inverse = (levels / safe).astype(np.float32)
    values = np.clip(np.rint(matrix * inverse[:, None]), -levels, levels).astype(np.int64)
    scales = np.where(largest > 0, largest / levels, np.float32(1)).astype(np.float32)
    return values, scales


def input_levels(inputs):
    """A 16-bit lane's range, unless the int32 sum of the row's products could overflow."""
    return min(32767, (2 ** 31 - 1) // (127 * 2 * ((inputs + 1) // 2)))


class Int8Linear:
    def __init__(self, weight, bias):
        self.values, self.scales = quantize_rows(weight)
        self.bias = bias.astype(np.float32)

    def __call__(self, x):
        values, scales = quantize_rows(x, input_levels(x.shape[1]))
        sums = (values @ self.values.T).astype(np.float32)
        return (sums * (scales[:, None] * self.scales[None, :]) + self.bias).astype(np.float32)


class FloatLinear:
    def __init__(self, weight, bias):
        self.weight, self.bias = weight.astype(np.float32), bias.astype(np.float32)

    def __call__(self, x):
        return (x @ self.weight.T + self.bias).astype(np.float32)


def layer_norm(x, weight, bias, epsilon):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(variance + epsilon) * weight + bias).astype(np.float32)


def gelu(x):
    return (0.5 * x * (1 + erf(x / np.sqrt(2)))).astype(np.float32)


def softmax(x):
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class Encoder:
    def __init__(self, folder):
        self.config = json.load(open(os.path.join(folder, "config.json")))
        self.tensors = load_file(os.path.join(folder, "model.safetensors"))
        self.distil = self.config["model_type"] == "distilbert"
        word = next(name for name in self.tensors if name.endswith("embeddings.word_embeddings.weight"))
        self.prefix = word[: -len("embeddings.word_embeddings.weight")]

    def t(self, name):
        return self.tensors[name].astype(np.float32)

    def linear(self, name, quantized=True):
        kind = Int8Linear if quantized else FloatLinear
        return kind(self.t(name + ".weight"), self.t(name + ".bias"))

    def hidden_states(self, ids):
        p, c = self.prefix, self.config
        epsilon = 1e-12 if self.distil else c["layer_norm_eps"]
        hidden_size = c["dim"] if self.distil else c["hidden_size"]
        heads = c["n_heads"] if self.distil else c["num_attention_heads"]
        x = self.t(p + "embeddings.word_embeddings.weight")[ids] + self.t(p + "embeddings.position_embeddings.weight")[
            : len(ids)]
        if not self.distil:
            x = x + self.t(p + "embeddings.token_type_embeddings.weight")[0]
        x = layer_norm(x, self.t(p + "embeddings.LayerNorm.weight"), self.t(p + "embeddings.LayerNorm.bias"), epsilon)
        layers = c["n_layers"] if self.distil else c["num_hidden_layers"]
        for index in range(layers):
            if self.distil:
                n = f"{p}transformer.layer.{index}."
                names = [n + "attention.q_lin", n + "attention.k_lin", n + "attention.v_lin", n + "attention.out_lin",
                         n + "sa_layer_norm", n + "ffn.lin1", n + "ffn.lin2", n + "output_layer_norm"]
            else:
                n = f"{p}encoder.layer.{index}."
                names = [n + "attention.self.query", n + "attention.self.key", n + "attention.self.value",
                         n + "attention.output.dense", n + "attention.output.LayerNorm", n + "intermediate.dense",
                         n + "output.dense", n + "output.LayerNorm"]
            query, key, value = (self.linear(name)(x) for name in names[:3])
            width = hidden_size // heads
            context = np.zeros_like(x)
            for head in range(heads):
                s = slice(head * width, (head + 1) * width)
                scores = (query[:, s] @ key[:, s].T) / np.float32(np.sqrt(width))
                context[:, s] = softmax(scores.astype(np.float32)) @ value[:, s]
            x = layer_norm(self.linear(names[3])(context) + x, self.t(names[4] + ".weight"), self.t(names[4] + ".bias"),
                           epsilon)
            inner = gelu(self.linear(names[5])(x))
            x = layer_norm(self.linear(names[6])(inner) + x, self.t(names[7] + ".weight"), self.t(names[7] + ".bias"),
                           epsilon)
        return x

    def logits(self, ids):
        cls = self.hidden_states(ids)[:1]
        if self.distil:
            dense = np.maximum(self.linear("pre_classifier", quantized=False)(cls), 0)
        else:
            dense = np.tanh(self.linear(self.prefix + "pooler.dense", quantized=False)(cls))
        return self.linear("classifier", quantized=False)(dense)[0]


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def write(name, folder, items):
    record = {
        "description": "Outputs of the int8 scheme of `magpie quantize`, computed in NumPy by scripts/int8_reference.py",
        "numpy": np.__version__, "weights_sha256": sha256(os.path.join(folder, "model.safetensors")), "items": items,
    }
    with open(os.path.join(VECTORS, "int8", f"{name}.json"), "w") as out:
        json.dump(record, out, indent=1)
        out.write("\n")


def main():
    for name in ("bert-tiny-cls", "distilbert-tiny"):
        folder = os.path.join(VECTORS, name)
        encoder = Encoder(folder)
        expected = json.load(open(os.path.join(folder, "expected.json")))
        items = [{"input_ids": item["input_ids"], "logits": [float(v) for v in encoder.logits(np.array(item["input_ids"]))]}
                 for item in expected["items"]]
        write(name, folder, items)
    if len(sys.argv) > 1:
        folder = sys.argv[1]
        encoder = Encoder(folder)
        sentences = json.load(open(os.path.join(VECTORS, "minilm/embeddings.json")))["sentences"][:20]
        items = []
        for sentence in sentences:
            hidden = encoder.hidden_states(np.array(sentence["input_ids"]))
            pooled = hidden.mean(axis=0)
            items.append({"input_ids": sentence["input_ids"],
                          "embedding": [float(v) for v in pooled / np.linalg.norm(pooled)]})
        write("minilm", folder, items)


main()
