import Foundation
import Gateway
import Testing

/// The answers a server keeps for feedback are a bounded ring (`server.remembered_answers`):
/// the oldest is forgotten first, and feedback on it is 404, while newer ones still score.
@Suite struct FeedbackMemoryTests {
    @Test func feedbackOnAForgottenAnswerIsUnknownAndNewerOnesScore() async throws {
        let server = try await LiveServer(limits: GatewayLimits(rememberedAnswers: 2))
        let key = try await server.key()
        var ids: [String] = []
        for text in ["you are a bitch", "have a nice day", "what a lovely morning"] {
            let answer = try await server.request("POST", "/v1/infer/hate-speech", key: key, json: #"{"text": "\#(text)"}"#)
            ids.append(try #require(answer.header("X-Request-Id")))
        }
        let forgotten = try await server.request(
            "POST", "/v1/models/hate-speech/feedback", key: key, json: #"{"request_id": "\#(ids[0])", "label": "Neither"}"#)
        #expect(forgotten.status == 404)
        #expect((forgotten.json as? [String: Any])?["error_type"] as? String == "unknown_request")
        for id in ids.dropFirst() {
            let scored = try await server.request(
                "POST", "/v1/models/hate-speech/feedback", key: key, json: #"{"request_id": "\#(id)", "label": "Neither"}"#)
            #expect(scored.status == 200, "\(id)")
        }
    }
}
