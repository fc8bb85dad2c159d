"""MLServer with its adaptive batching (max_batch_size, max_batch_time in
model-settings.json) over OnnxClassifier, speaking the Open Inference Protocol: a BYTES input
`text`, outputs `label` and `score`."""
import os
import sys

import numpy as np
from mlserver import MLModel
from mlserver.codecs import StringCodec
from mlserver.types import InferenceRequest, InferenceResponse, ResponseOutput

sys.path.insert(0, os.path.dirname(__file__))
from onnx_classifier import OnnxClassifier  # noqa: E402


class ClassifierRuntime(MLModel):
    async def load(self) -> bool:
        self.classify = OnnxClassifier()
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        texts = StringCodec.decode_input(payload.inputs[0])
        answers = self.classify(texts)
        return InferenceResponse(
            model_name=self.name,
            outputs=[
                StringCodec.encode_output("label", [answer["label"] for answer in answers]),
                ResponseOutput(name="score", shape=[len(answers), 1], datatype="FP32",
                               data=np.array([answer["score"] for answer in answers], dtype=np.float32).tolist()),
            ])
