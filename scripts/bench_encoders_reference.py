#!/usr/bin/env python3
"""The references of `scripts/bench-encoders`: all-MiniLM-L6-v2 run by PyTorch
(transformers' BertModel) or by ONNX Runtime (the model exported from PyTorch once, cached;
`onnxruntime-int8` runs it after ONNX Runtime's own `quantize_dynamic`, int8 weights per
channel, the same scheme as `magpie quantize` but with 8-bit inputs), measured exactly as Benchmarks/EncoderBenchmarks measures Magpie: the same token ids (one
sentence repeated, cut to 16, 64 and 128 tokens), the same run counts, 1 and 2 threads, and
a batch of 32 at 64 tokens. Prints one JSON object.

Usage: bench_encoders_reference.py torch|onnxruntime|onnxruntime-int8 MODEL_DIR [--first-output]
"""
import json
import pathlib
import sys
import time

started = time.perf_counter()
engine, model_dir = sys.argv[1], pathlib.Path(sys.argv[2])
first_output_only = "--first-output" in sys.argv

import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

SENTENCE = "The quick brown fox jumps over the lazy dog near the riverbank. " * 40


def resident_megabytes():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


tokenizer = AutoTokenizer.from_pretrained(model_dir)


def ids(tokens):
    return tokenizer(SENTENCE, truncation=True, max_length=tokens)["input_ids"]


if engine == "torch":
    model = AutoModel.from_pretrained(model_dir).eval()

    def run(batch):
        with torch.inference_mode():
            tensor = torch.tensor(batch, dtype=torch.int64)
            return model(input_ids=tensor, attention_mask=torch.ones_like(tensor)).last_hidden_state.numpy()

    def set_threads(count):
        torch.set_num_threads(count)
else:
    import onnxruntime

    onnx_path = pathlib.Path.home() / ".cache/magpie/all-MiniLM-L6-v2.onnx"
    if not onnx_path.exists():
        bert = AutoModel.from_pretrained(model_dir).eval().requires_grad_(False)

        class LastHiddenState(torch.nn.Module):
            def forward(self, input_ids, attention_mask, token_type_ids):
                return bert(input_ids=input_ids, attention_mask=attention_mask,
                            token_type_ids=token_type_ids).last_hidden_state

        example = torch.tensor([ids(16)], dtype=torch.int64)
        torch.onnx.export(
            LastHiddenState(), (example, torch.ones_like(example), torch.zeros_like(example)), str(onnx_path),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ["input_ids", "attention_mask", "token_type_ids"]},
            opset_version=17, dynamo=False)
    if engine == "onnxruntime-int8":
        quantized_path = onnx_path.with_suffix(".int8.onnx")
        if not quantized_path.exists():
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(onnx_path), str(quantized_path), per_channel=True, weight_type=QuantType.QInt8)
        onnx_path = quantized_path
    sessions = {}

    def set_threads(count):
        global session
        if count not in sessions:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = count
            options.inter_op_num_threads = 1
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            sessions[count] = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        session = sessions[count]

    def run(batch):
        array = np.array(batch, dtype=np.int64)
        return session.run(None, {"input_ids": array, "attention_mask": np.ones_like(array),
                                  "token_type_ids": np.zeros_like(array)})[0]

set_threads(1)
run([ids(16)])
load_to_first_output = time.perf_counter() - started
if first_output_only:
    print(json.dumps({"load_to_first_output_ms": load_to_first_output * 1000, "rss_mb": resident_megabytes()}))
    sys.exit(0)


def percentile(values, fraction):
    values = sorted(values)
    return values[min(int(len(values) * fraction), len(values) - 1)]


def timed(batch):
    start = time.perf_counter()
    run(batch)
    return time.perf_counter() - start


runs = []
for threads in [1, 2]:
    set_threads(threads)
    for tokens in [16, 64, 128]:
        batch = [ids(tokens)]
        assert len(batch[0]) == tokens
        for _ in range(10):
            run(batch)
        times = [timed(batch) for _ in range(60 if tokens == 128 else 120)]
        runs.append({"threads": threads, "tokens": tokens, "p50_ms": percentile(times, 0.5) * 1000,
                     "p90_ms": percentile(times, 0.9) * 1000})
    batch = [ids(64)] * 32
    run(batch)
    times = [timed(batch) for _ in range(8)]
    runs.append({"threads": threads, "tokens": 64, "batch": 32, "texts_per_second": 32 / percentile(times, 0.5)})

print(json.dumps({"engine": engine, "load_to_first_output_ms": load_to_first_output * 1000, "rss_mb": resident_megabytes(),
                  "runs": runs}))
