"""LitServe with its batching (max_batch_size, batch_timeout) over OnnxClassifier."""
import os
import sys

import litserve as ls

sys.path.insert(0, os.path.dirname(__file__))
from onnx_classifier import OnnxClassifier  # noqa: E402


class ClassifierAPI(ls.LitAPI):
    def setup(self, device):
        self.classify = OnnxClassifier()

    def decode_request(self, request):
        return request["text"]

    def predict(self, texts):
        return self.classify(list(texts))

    def encode_response(self, output):
        return output


if __name__ == "__main__":
    server = ls.LitServer(ClassifierAPI(max_batch_size=64, batch_timeout=0.005), accelerator="cpu", workers_per_device=1)
    server.run(port=int(sys.argv[1]), generate_client_file=False)
