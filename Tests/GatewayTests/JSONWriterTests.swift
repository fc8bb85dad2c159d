import Classifiers
import Foundation
import Gateway
import JSONValues
import ModelRuntime
import Releases
import Storage
import Testing

/// The one JSON writer. Strings and numbers against `JSONEncoder` (unescaped slashes), the
/// reference for escaping and for the shortest decimal; each payload against the wire format
/// its clients read, written out by hand from the API's documentation.
@Suite struct JSONWriterTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func written(_ write: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func text(_ value: some JSONWritable) -> String {
        String(decoding: value.jsonBytes, as: UTF8.self)
    }

    /// Every control character, quotes, backslashes, slashes and non-ASCII text.
    static let awkwardStrings: [String] =
        (0..<0x20).map { String(Character(Unicode.Scalar(UInt8($0)))) } + [
            "", "plain", "\"quoted\"", "back\\slash", "a/b", "</script>", "é€😂中", "\u{7F}", "\u{2028}\u{2029}", "Hate Speech",
        ]

    @Test func writesStringsAsJSONEncoderDoes() throws {
        for text in Self.awkwardStrings {
            let expected = String(decoding: try Self.encoder.encode(text), as: UTF8.self)
            #expect(Self.written { $0.string(text) } == expected)
            #expect(Self.text(InferResponse(category: text)) == #"{"category":\#(expected)}"#)
        }
    }

    @Test func writesScoresAsJSONEncoderDoes() throws {
        var generator = SeededGenerator(seed: 42)
        let special: [Float] = [0, 1, 0.5, 0.1, 1e-8, 3.4e-39, 0.99999994, 1.0 / 3.0, 123_456_789, 1e20]
        let random = (0..<2_000).map { _ in Float.random(in: 0...1, using: &generator) }
        for score in special + random {
            let expected = String(decoding: try Self.encoder.encode(score), as: UTF8.self)
            #expect(Self.written { $0.number(score) } == expected, "\(score)")
        }
        for count in [0, 1, -7, 16_777_217, Int.max] {
            #expect(Self.written { $0.number(count) } == String(decoding: try Self.encoder.encode(count), as: UTF8.self))
        }
    }

    @Test func writesEachPayloadInTheDocumentedShape() throws {
        let scores = [
            LabelScore(label: "Hate Speech", score: 0.0125), LabelScore(label: "Offensive Language", score: 0.9),
            LabelScore(label: "Neither", score: 0.0875),
        ]
        let scoresText =
            #"[{"label":"Hate Speech","score":0.0125},{"label":"Offensive Language","score":0.9},{"label":"Neither","score":0.0875}]"#
        #expect(Self.text(scores) == scoresText)
        #expect(Self.text([LabelScore]()) == "[]")
        #expect(
            Self.text(
                NativeSingleResponse(
                    model: "hate-speech", version: "1.0.0", label: "Offensive Language", score: 0.9, scores: scores))
                == #"{"label":"Offensive Language","model":"hate-speech","score":0.9,"scores":\#(scoresText),"version":"1.0.0"}"#)
        // A label set read from data is sorted by name.
        let labels = try LabelSet.from(values: scores.map(\.label))
        let batch = NativeBatchResponse(
            model: "m", version: "2", results: [NativeResult(Prediction(probabilities: [0.5, 0.25, 0.25], labels: labels))])
        #expect(
            Self.text(batch)
                == #"{"model":"m","results":[{"label":"Hate Speech","score":0.5,"scores":[{"label":"Hate Speech","score":0.5},{"label":"Neither","score":0.25},{"label":"Offensive Language","score":0.25}]}],"version":"2"}"#
        )
        let remote = ModelList.Summary(
            name: "sentiment", version: "remote", labels: [], state: "warm",
            location: ["kind": "sagemaker", "endpoint": "distilbert-imdb", "region": "us-east-1"],
            health: .init(RemoteHealth(breaker: .halfOpen, consecutiveFailures: 3, lastError: "timed \"out\"")),
            fallback: "hate-speech")
        #expect(
            Self.text(ModelList(models: [remote]))
                == #"{"models":[{"fallback":"hate-speech","health":{"breaker":"half_open","consecutive_failures":3,"last_error":"timed \"out\"","status":"degraded"},"labels":[],"location":{"endpoint":"distilbert-imdb","kind":"sagemaker","region":"us-east-1"},"name":"sentiment","state":"warm","version":"remote"}]}"#
        )
        var release = ModelRelease(model: "hate-speech", stable: 1)
        release.canary = .init(version: 2, weight: 10, stepStartedAt: Date(timeIntervalSince1970: 1_700_000_000))
        release.record(
            .init(
                at: Date(timeIntervalSince1970: 1_700_000_060), action: .rolledBack, version: 2, automatic: true,
                reason: "predicted labels shifted", figures: ["label_divergence": 0.4375, "canary_requests": 120]))
        let local = ModelList.Summary(
            name: "hate-speech", version: "1", labels: ["a"], state: "cold", location: ["kind": "local"], health: nil,
            fallback: nil, release: ReleaseSummary(.init(versions: [1, 2], release: release)))
        #expect(
            Self.text(ModelList(models: [local]))
                == #"{"models":[{"labels":["a"],"location":{"kind":"local"},"name":"hate-speech","release":{"canary":{"step_started_at":"2023-11-14T22:13:20Z","version":2,"weight":10},"decisions":[{"action":"rolled_back","at":"2023-11-14T22:14:20Z","automatic":true,"figures":{"canary_requests":120,"label_divergence":0.4375},"reason":"predicted labels shifted","version":2}],"stable":1,"versions":[1,2]},"state":"cold","version":"1"}]}"#
        )
        #expect(Self.text(ModelList(models: [])) == #"{"models":[]}"#)
        #expect(Self.text(["status": "ok", "a": "b"]) == #"{"a":"b","status":"ok"}"#)
    }
}
