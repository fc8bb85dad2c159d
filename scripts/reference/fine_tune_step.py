#!/usr/bin/env python3
"""PyTorch's view of one fine-tuning step, for Magpie's parity tests.

For a Hugging Face folder (a tiny test classifier, or all-MiniLM-L6-v2 with a new head), runs
one training step of the sequence classifier on a fixed padded batch with dropout off:
cross-entropy loss, backward, gradient clipping at 1.0, one AdamW step with decoupled weight
decay (not on biases nor LayerNorm). Writes the loss, every parameter's gradient norm, and a
sample of each gradient and of the weights before and after the step, at indices chosen among
the non-zero gradients, so the file stays small whatever the model's size.

    python3 scripts/reference/fine_tune_step.py MODEL_DIR OUTPUT.json [--labels N]

Needs torch (the CPU wheel from PyPI), transformers and safetensors.
"""
import argparse
import json
import platform

import numpy
import torch
import transformers
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

TEXTS = [
    "Hello, world!",
    "I loved this film: the acting, the music and the story all work.",
    "bad",
    "@user you are the worst, and this is the most boring thing I have ever watched #fail",
]
SAMPLES = 48
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.01
MAX_NORM = 1.0


def sample_indices(gradient):
    flat = gradient.reshape(-1)
    nonzero = numpy.nonzero(flat)[0]
    pool = nonzero if len(nonzero) else numpy.arange(len(flat))
    picks = numpy.linspace(0, len(pool) - 1, num=min(SAMPLES, len(pool))).round().astype(int)
    return [int(pool[i]) for i in sorted(set(picks.tolist()))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("output")
    parser.add_argument("--labels", type=int, default=None)
    arguments = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)
    config = AutoConfig.from_pretrained(arguments.model)
    labels = arguments.labels or len(config.id2label)
    model = AutoModelForSequenceClassification.from_pretrained(arguments.model, num_labels=labels)
    model.eval()  # dropout off; gradients still flow
    tokenizer = AutoTokenizer.from_pretrained(arguments.model)
    encoded = tokenizer(TEXTS, padding=True, return_tensors="pt")
    targets = torch.tensor([index % labels for index in range(len(TEXTS))])

    before = {name: parameter.detach().clone() for name, parameter in model.named_parameters()}
    inputs = {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]}
    logits = model(**inputs).logits
    loss = torch.nn.functional.cross_entropy(logits, targets)
    loss.backward()
    gradients = {name: parameter.grad.detach().clone() for name, parameter in model.named_parameters()}
    total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)

    def decays(name, parameter):
        return not (name.endswith(".bias") or isinstance(module_of(name), torch.nn.LayerNorm))

    modules = dict(model.named_modules())

    def module_of(name):
        return modules[name.rsplit(".", 1)[0]]

    groups = [
        {"params": [p for n, p in model.named_parameters() if decays(n, p)], "weight_decay": WEIGHT_DECAY},
        {"params": [p for n, p in model.named_parameters() if not decays(n, p)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)
    optimizer.step()

    parameters = {}
    for name, parameter in model.named_parameters():
        gradient = gradients[name].numpy()
        indices = sample_indices(gradient)
        flat_before = before[name].numpy().reshape(-1)
        flat_after = parameter.detach().numpy().reshape(-1)
        parameters[name] = {
            "shape": list(gradient.shape),
            "decays": decays(name, parameter),
            "gradient_norm": float(numpy.linalg.norm(gradient.astype(numpy.float64))),
            "indices": indices,
            "gradient": [float(gradient.reshape(-1)[i]) for i in indices],
            "before": [float(flat_before[i]) for i in indices],
            "after": [float(flat_after[i]) for i in indices],
        }
    # A head that the checkpoint lacked was drawn by torch: its starting values travel whole.
    head = {}
    for name in ("classifier.weight", "classifier.bias"):
        head[name] = before[name].numpy().reshape(-1).tolist()

    lengths = encoded["attention_mask"].sum(dim=1).tolist()
    sequences = [ids[:length] for ids, length in zip(encoded["input_ids"].tolist(), lengths)]
    result = {
        "description": "one fine-tuning step in PyTorch: dropout off, mean cross-entropy, "
        "clip_grad_norm_ 1.0, AdamW (decay not on biases nor LayerNorm)",
        "generator": "scripts/reference/fine_tune_step.py",
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "numpy": numpy.__version__,
        },
        "model": config.model_type,
        "texts": TEXTS,
        "sequences": sequences,
        "labels": targets.tolist(),
        "label_count": labels,
        "learning_rate": LEARNING_RATE,
        "weight_decay": WEIGHT_DECAY,
        "max_norm": MAX_NORM,
        "loss": loss.item(),
        "logits": logits.detach().numpy().tolist(),
        "gradient_norm_before_clipping": float(total_norm),
        "initial_head": head,
        "parameters": parameters,
    }
    with open(arguments.output, "w") as output:
        json.dump(result, output, indent=None, separators=(",", ":"))
        output.write("\n")


if __name__ == "__main__":
    main()
