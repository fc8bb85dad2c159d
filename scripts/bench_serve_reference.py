"""The reference stack on one machine: FastAPI + scikit-learn serving the hate-speech model
with the reference Lambda's API (POST /v1/infer/{model} -> {"category": ...}), the model
loaded once at start. scripts/bench-serve runs it beside Magpie.

    python3 scripts/bench_serve_reference.py train MODEL.joblib   # fit once, as a build step
    MODEL=MODEL.joblib uvicorn bench_serve_reference:app            # serve
"""
import csv
import os
import sys

import joblib

LABELS = {"0": "Hate Speech", "1": "Offensive Language", "2": "Neither"}
DATA = os.path.join(os.path.dirname(__file__), "..", "data", "hate-speech", "labeled_data.csv")


def train(path):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    with open(DATA, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, min_df=2),
        LogisticRegression(C=3, class_weight="balanced", max_iter=1000),
    )
    model.fit([row["tweet"] for row in rows], [LABELS[row["class"]] for row in rows])
    joblib.dump(model, path)


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "train":
    train(sys.argv[2])
    sys.exit(0)

from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402

app = FastAPI()
model = joblib.load(os.environ["MODEL"])


@app.post("/v1/infer/{name}")
async def infer(name: str, request: Request):
    body = await request.body()
    if not body:
        return JSONResponse({"issue": "Request payload is missing"}, status_code=422)
    payload = await request.json()
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str) or not text.strip():
        return JSONResponse({"issue": "Please provide an input text"}, status_code=422)
    return {"category": model.predict([text])[0]}
