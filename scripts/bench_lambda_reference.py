"""A Lambda custom runtime in Python, for scripts/bench-lambda's cold-start comparison: the
same Runtime API loop as Magpie's bootstrap (GET next, POST response), answering API Gateway
events with {"category": ...}. With --model, the reference tutorial's stack: a pickled
scikit-learn TF-IDF + logistic regression pipeline loaded at start; without, a constant answer,
the floor of any Python runtime."""

import argparse
import http.client
import json
import os
import pickle


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model")
    options = parser.parse_args()
    model = None
    if options.model:
        with open(options.model, "rb") as file:
            model = pickle.load(file)
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port))
    while True:
        connection.request("GET", "/2018-06-01/runtime/invocation/next")
        answer = connection.getresponse()
        request_id = answer.getheader("Lambda-Runtime-Aws-Request-Id")
        event = json.loads(answer.read())
        text = json.loads(event.get("body") or "{}").get("text", "")
        category = str(model.predict([text])[0]) if model is not None else "Neither"
        response = {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                    "body": json.dumps({"category": category}), "isBase64Encoded": False}
        connection.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response",
                           body=json.dumps(response), headers={"Content-Type": "application/json"})
        connection.getresponse().read()


def train(data, output):
    """The reference model: TF-IDF word 1-3-grams + LogisticRegression, on the bundled tweets."""
    import csv

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    names = {"0": "Hate Speech", "1": "Offensive Language", "2": "Neither"}
    with open(data, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True),
                             LogisticRegression(C=3, class_weight="balanced", max_iter=1000))
    pipeline.fit([row["tweet"] for row in rows], [names[row["class"]] for row in rows])
    with open(output, "wb") as file:
        pickle.dump(pipeline, file)


if __name__ == "__main__":
    if os.environ.get("MAGPIE_TRAIN_REFERENCE"):
        train(*os.environ["MAGPIE_TRAIN_REFERENCE"].split(":"))
    else:
        main()
