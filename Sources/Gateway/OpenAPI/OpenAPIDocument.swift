/// The OpenAPI 3.1 description served at `/openapi.json`. CI runs schemathesis against a live
/// server with it, so every status and body the pipeline can produce is listed here. The text
/// limits are the gateway's own, so a configured `max_text_length` or `max_batch_size` is what
/// the document says.
enum OpenAPIDocument {
    static func json(limits: GatewayLimits) -> [UInt8] {
        Array(
            template.replacingOccurrences(of: #""maxLength": 10000"#, with: #""maxLength": \#(limits.maxTextLength)"#)
                .replacingOccurrences(of: #""maxItems": 64"#, with: #""maxItems": \#(limits.maxBatchSize)"#).utf8)
    }

    private static let template = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Magpie",
            "version": "1",
            "description": "Text classification behind API keys, usage plans and lazily loaded models."
          },
          "components": {
            "securitySchemes": {
              "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}
            },
            "parameters": {
              "model": {
                "name": "model", "in": "path", "required": true,
                "description": "A served model's name (see GET /v1/models).",
                "schema": {"type": "string"}
              }
            },
            "headers": {
              "RetryAfter": {"description": "Seconds until a retry may succeed.", "schema": {"type": "string"}},
              "RequestId": {"description": "The request's id, echoed or generated.", "schema": {"type": "string"}}
            },
            "schemas": {
              "Message": {
                "type": "object", "required": ["message", "error_type"],
                "properties": {"message": {"type": "string"}, "error_type": {"type": "string"}}
              },
              "Issue": {
                "type": "object", "required": ["issue", "error_type"],
                "properties": {"issue": {"type": "string"}, "error_type": {"type": "string"}}
              },
              "LabelScore": {
                "type": "object", "required": ["label", "score"],
                "properties": {"label": {"type": "string"}, "score": {"type": "number"}}
              },
              "Result": {
                "type": "object", "required": ["label", "score", "scores"],
                "properties": {
                  "label": {"type": "string"}, "score": {"type": "number"},
                  "scores": {"type": "array", "items": {"$ref": "#/components/schemas/LabelScore"}}
                }
              },
              "Text": {"type": "string", "minLength": 1, "maxLength": 10000, "pattern": "\\S"},
              "Texts": {"type": "array", "minItems": 1, "maxItems": 64, "items": {"$ref": "#/components/schemas/Text"}},
              "ClassifyRequest": {
                "oneOf": [
                  {
                    "type": "object", "required": ["text"], "not": {"required": ["texts"]},
                    "properties": {"text": {"$ref": "#/components/schemas/Text"}}
                  },
                  {
                    "type": "object", "required": ["texts"], "not": {"required": ["text"]},
                    "properties": {"texts": {"$ref": "#/components/schemas/Texts"}}
                  }
                ]
              },
              "ClassifyResponse": {
                "oneOf": [
                  {
                    "type": "object", "required": ["model", "version", "label", "score", "scores"],
                    "properties": {
                      "model": {"type": "string"}, "version": {"type": "string"},
                      "label": {"type": "string"}, "score": {"type": "number"},
                      "scores": {"type": "array", "items": {"$ref": "#/components/schemas/LabelScore"}}
                    }
                  },
                  {
                    "type": "object", "required": ["model", "version", "results"],
                    "properties": {
                      "model": {"type": "string"}, "version": {"type": "string"},
                      "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}}
                    }
                  }
                ]
              },
              "InvocationsRequest": {
                "type": "object", "required": ["inputs"],
                "properties": {
                  "inputs": {"oneOf": [{"$ref": "#/components/schemas/Text"}, {"$ref": "#/components/schemas/Texts"}]}
                }
              },
              "InferRequest": {
                "type": "object", "required": ["text"],
                "properties": {"text": {"$ref": "#/components/schemas/Text"}}
              },
              "Model": {
                "type": "object", "required": ["name", "version", "labels", "state"],
                "properties": {
                  "name": {"type": "string"}, "version": {"type": "string"},
                  "labels": {"type": "array", "items": {"type": "string"}},
                  "state": {"type": "string", "enum": ["cold", "loading", "warm"]}
                }
              }
            },
            "responses": {
              "BadRequest": {"description": "Malformed JSON or invalid UTF-8.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
              "Forbidden": {"description": "Missing, unknown or revoked API key.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
              "NotFound": {"description": "Unknown model or path.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
              "MethodNotAllowed": {"description": "Wrong method.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
              "ContentTooLarge": {"description": "Body over the limit.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
              "UnsupportedMediaType": {"description": "Body is not application/json.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
              "Unprocessable": {"description": "Invalid request content.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
              "TooManyRequests": {
                "description": "Throttled (Too Many Requests) or quota used up (Limit Exceeded).",
                "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}
              },
              "Unavailable": {
                "description": "Model busy, loading failed, or not ready.",
                "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}
              },
              "Preflight": {"description": "CORS preflight."}
            }
          },
          "paths": {
            "/health": {
              "get": {
                "summary": "Liveness.",
                "responses": {
                  "200": {"description": "Alive.", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}},
                  "405": {"$ref": "#/components/responses/MethodNotAllowed"}
                }
              }
            },
            "/ready": {
              "get": {
                "summary": "Readiness: 503 while provisioned models load.",
                "responses": {
                  "200": {"description": "Ready.", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              }
            },
            "/metrics": {
              "get": {
                "summary": "Prometheus metrics.",
                "responses": {"200": {"description": "Text exposition format.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
              }
            },
            "/v1/models": {
              "get": {
                "summary": "Served models and their lifecycle state.",
                "security": [{"apiKey": []}],
                "responses": {
                  "200": {
                    "description": "Models.",
                    "content": {"application/json": {"schema": {
                      "type": "object", "required": ["models"],
                      "properties": {"models": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}}}
                    }}}
                  },
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "429": {"$ref": "#/components/responses/TooManyRequests"}
                }
              }
            },
            "/v1/models/{model}/classify": {
              "parameters": [{"$ref": "#/components/parameters/model"}],
              "post": {
                "summary": "Classify one text or a batch (Magpie's payload).",
                "security": [{"apiKey": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClassifyRequest"}}}},
                "responses": {
                  "200": {"description": "Predictions.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClassifyResponse"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/ContentTooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
                  "422": {"$ref": "#/components/responses/Unprocessable"},
                  "429": {"$ref": "#/components/responses/TooManyRequests"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              },
              "options": {"summary": "CORS preflight.", "responses": {"200": {"$ref": "#/components/responses/Preflight"}}}
            },
            "/v1/models/{model}/invocations": {
              "parameters": [{"$ref": "#/components/parameters/model"}],
              "post": {
                "summary": "Classify (Hugging Face inference toolkit payload).",
                "security": [{"apiKey": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InvocationsRequest"}}}},
                "responses": {
                  "200": {"description": "One label and score per input.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/LabelScore"}}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/ContentTooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
                  "422": {"$ref": "#/components/responses/Unprocessable"},
                  "429": {"$ref": "#/components/responses/TooManyRequests"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              },
              "options": {"summary": "CORS preflight.", "responses": {"200": {"$ref": "#/components/responses/Preflight"}}}
            },
            "/v1/routes/{route}": {
              "parameters": [{"name": "route", "in": "path", "required": true, "description": "A configured route's name.", "schema": {"type": "string"}}],
              "post": {
                "summary": "Classify with the model a configured route chooses from a JSON field or a header.",
                "security": [{"apiKey": []}],
                "requestBody": {
                  "required": true,
                  "description": "The classify payload; a route that chooses by JSON field also reads that field from it.",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClassifyRequest"}}}
                },
                "responses": {
                  "200": {"description": "Predictions.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClassifyResponse"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/ContentTooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
                  "422": {"$ref": "#/components/responses/Unprocessable"},
                  "429": {"$ref": "#/components/responses/TooManyRequests"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              },
              "options": {"summary": "CORS preflight.", "responses": {"200": {"$ref": "#/components/responses/Preflight"}}}
            },
            "/v1/infer/{model}": {
              "parameters": [{"$ref": "#/components/parameters/model"}],
              "post": {
                "summary": "Classify (the reference Lambda's payload).",
                "security": [{"apiKey": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InferRequest"}}}},
                "responses": {
                  "200": {"description": "The label.", "content": {"application/json": {"schema": {"type": "object", "required": ["category"], "properties": {"category": {"type": "string"}}}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "403": {"$ref": "#/components/responses/Forbidden"},
                  "404": {"$ref": "#/components/responses/NotFound"},
                  "413": {"$ref": "#/components/responses/ContentTooLarge"},
                  "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
                  "422": {"description": "Missing payload or text.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Issue"}}}},
                  "429": {"$ref": "#/components/responses/TooManyRequests"},
                  "503": {"$ref": "#/components/responses/Unavailable"}
                }
              },
              "options": {"summary": "CORS preflight.", "responses": {"200": {"$ref": "#/components/responses/Preflight"}}}
            }
          }
        }
        """#
}
