import Classifiers
import Foundation
import Gateway
import JSONValues
import ModelRuntime
import Releases
import Storage
import Testing

/// Every payload type as `JSONWriter` writes it, against `JSONEncoder` with the options the
/// gateway used before: the same bytes.
@Suite struct JSONWriterTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func expectSameBytes<Value: JSONWritable & Encodable>(_ value: Value) throws {
        let expected = try encoder.encode(value)
        #expect(
            value.jsonBytes == Array(expected),
            "\(String(decoding: value.jsonBytes, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
    }

    /// Every control character, quotes, backslashes, slashes and non-ASCII text.
    static let awkwardStrings: [String] =
        (0..<0x20).map { String(Character(Unicode.Scalar(UInt8($0)))) } + [
            "", "plain", "\"quoted\"", "back\\slash", "a/b", "</script>", "é€😂中", "\u{7F}", "\u{2028}\u{2029}", "Hate Speech",
        ]

    @Test func writesStringsAsJSONEncoderDoes() throws {
        for text in Self.awkwardStrings {
            try Self.expectSameBytes(InferResponse(category: text))
            try Self.expectSameBytes(["message": text, "a": "first", "zzz": text + text])
        }
    }

    @Test func writesScoresAsJSONEncoderDoes() throws {
        var generator = SeededGenerator(seed: 42)
        let special: [Float] = [0, 1, 0.5, 0.1, 1e-8, 3.4e-39, 0.99999994, 1.0 / 3.0, 123_456_789, 1e20]
        let random = (0..<2_000).map { _ in Float.random(in: 0...1, using: &generator) }
        for score in special + random {
            try Self.expectSameBytes(LabelScore(label: "x", score: score))
        }
    }

    @Test func writesEveryPayloadAsJSONEncoderDoes() throws {
        let scores = [
            LabelScore(label: "Hate Speech", score: 0.0123), LabelScore(label: "Offensive Language", score: 0.9),
            LabelScore(label: "Neither", score: 0.0877),
        ]
        try Self.expectSameBytes(scores)
        try Self.expectSameBytes([LabelScore]())
        try Self.expectSameBytes(
            NativeSingleResponse(model: "hate-speech", version: "1.0.0", label: "Offensive Language", score: 0.9, scores: scores))
        let labels = try LabelSet.from(values: scores.map(\.label))
        let results = [
            NativeResult(Prediction(probabilities: scores.map(\.score), labels: labels)),
            NativeResult(Prediction(probabilities: [0.5, 0.25, 0.25], labels: labels)),
        ]
        try Self.expectSameBytes(NativeBatchResponse(model: "m", version: "2", results: results))
        try Self.expectSameBytes(
            ModelList(models: [
                .init(
                    name: "hate-speech", version: "1", labels: labels.names, state: "warm", location: ["kind": "local"],
                    health: nil, fallback: nil),
                .init(
                    name: "sentiment", version: "remote", labels: [], state: "warm",
                    location: ["kind": "sagemaker", "endpoint": "distilbert-imdb", "region": "us-east-1"],
                    health: .init(RemoteHealth(breaker: .halfOpen, consecutiveFailures: 3, lastError: "timed \"out\"")),
                    fallback: "hate-speech"),
            ]))
        var release = ModelRelease(model: "hate-speech", stable: 1)
        release.canary = .init(version: 2, weight: 10, stepStartedAt: Date(timeIntervalSince1970: 1_700_000_000))
        release.record(
            .init(
                at: Date(timeIntervalSince1970: 1_700_000_060), action: .rolledBack, version: 2, automatic: true,
                reason: "predicted labels \"shifted\"", figures: ["label_divergence": 0.4375, "canary_requests": 120]))
        try Self.expectSameBytes(
            ModelList(models: [
                .init(
                    name: "hate-speech", version: "1", labels: labels.names, state: "cold", location: ["kind": "local"],
                    health: nil, fallback: nil, release: ReleaseSummary(.init(versions: [1, 2], release: release)))
            ]))
        try Self.expectSameBytes(ModelList(models: []))
        try Self.expectSameBytes(["status": "ok"])
    }
}
