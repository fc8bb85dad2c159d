import Classifiers
import Foundation
import Gateway
import LambdaRuntime
import Logging
import MagpieTestSupport
import ModelRuntime
import Testing

/// AWS's documented example events, pointed at the fixture model, through the real gateway:
/// each payload format answered in its own response format.
@Suite struct APIGatewayEventTests {
    static let handler: APIGatewayHandler = {
        let deployment = ModelDeployment(name: "hate-speech", path: ModelFixture.artifact)
        let registry = try! ModelRegistry(deployments: [deployment])
        let gateway = Gateway(
            registry: registry,
            models: [ServedModel(deployment: deployment, manifest: try! ModelArtifact.manifest(at: ModelFixture.artifact))],
            store: nil,
            logger: Logger(label: "test") { label in SwiftLogNoOpLogHandler(label) })
        gateway.markReady()
        return APIGatewayHandler(gateway: gateway)
    }()

    static let labels: Set = ["Hate Speech", "Offensive Language", "Neither"]

    /// The fixture event with `changes` applied (a nil value removes the field).
    static func event(_ fixture: String, _ changes: [String: Any?]) throws -> [UInt8] {
        let url = Bundle.module.url(forResource: fixture, withExtension: "json", subdirectory: "Fixtures")!
        var event = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        for (key, value) in changes {
            if key == "method" {
                var context = event["requestContext"] as! [String: Any]
                var http = context["http"] as! [String: Any]
                http["method"] = value
                context["http"] = http
                event["requestContext"] = context
            } else {
                event[key] = value ?? nil
            }
        }
        return Array(try JSONSerialization.data(withJSONObject: event))
    }

    static func answer(_ event: [UInt8]) async throws -> [String: Any] {
        let invocation = Invocation(
            requestID: "r", deadlineMilliseconds: .max, invokedFunctionARN: "arn", traceID: nil, event: event)
        return try JSONSerialization.jsonObject(with: Data(try await handler.handle(invocation))) as! [String: Any]
    }

    static func body(_ answer: [String: Any]) -> [String: Any]? {
        (answer["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func restEventOnStageV1ReachesTheInferRoute() async throws {
        let answer = try await Self.answer(
            Self.event(
                "payload-1.0",
                [
                    "httpMethod": "POST", "path": "/infer/hate-speech", "body": #"{"text": "I love you all"}"#,
                    "headers": ["Content-Type": "application/json", "Origin": "https://example.com"],
                    "multiValueHeaders": ["Content-Type": ["application/json"], "Origin": ["https://example.com"]],
                ]))
        #expect(answer["statusCode"] as? Int == 200)
        #expect(answer["isBase64Encoded"] as? Bool == false)
        let headers = try #require(answer["headers"] as? [String: String])
        let multiValueHeaders = try #require(answer["multiValueHeaders"] as? [String: [String]])
        #expect(headers["Content-Type"] == "application/json")
        #expect(headers["Access-Control-Allow-Origin"] != nil)
        #expect(multiValueHeaders["Content-Type"] == ["application/json"])
        let body = try #require(Self.body(answer))
        #expect(Self.labels.contains(body["category"] as? String ?? ""))
    }

    @Test func restEventWithoutTextGets422WithItsMessage() async throws {
        let answer = try await Self.answer(
            Self.event(
                "payload-1.0",
                [
                    "httpMethod": "POST", "path": "/infer/hate-speech", "body": #"{"txt": "hi"}"#,
                    "headers": ["Content-Type": "application/json"], "multiValueHeaders": nil,
                ]))
        #expect(answer["statusCode"] as? Int == 422)
        #expect(Self.body(answer)?["issue"] as? String == "Please provide an input text")
    }

    @Test func httpEventWithABase64BodyIsAnsweredInFormat2() async throws {
        let body = Data(#"{"text": "have a lovely day"}"#.utf8).base64EncodedString()
        let answer = try await Self.answer(
            Self.event(
                "payload-2.0",
                [
                    "rawPath": "/infer/hate-speech", "body": body, "isBase64Encoded": true,
                    "headers": ["content-type": "application/json"],
                ]
            ))
        #expect(answer["statusCode"] as? Int == 200)
        #expect(answer["multiValueHeaders"] == nil)
        #expect(Self.labels.contains(Self.body(answer)?["category"] as? String ?? ""))
    }

    @Test func pathsAlreadyCarryingTheStageAndUnversionedPathsRouteAsTheyAre() async throws {
        let staged = try await Self.answer(
            Self.event(
                "payload-2.0",
                [
                    "rawPath": "/v1/infer/hate-speech", "body": #"{"text": "hello"}"#,
                    "headers": ["content-type": "application/json"],
                ]
            ))
        #expect(staged["statusCode"] as? Int == 200)
        #expect(Self.labels.contains(Self.body(staged)?["category"] as? String ?? ""))
        let health = try await Self.answer(Self.event("payload-2.0", ["rawPath": "/health", "method": "GET", "body": nil]))
        #expect(health["statusCode"] as? Int == 200)
        let unknown = try await Self.answer(Self.event("payload-1.0", ["path": "/my/path", "httpMethod": "GET"]))
        #expect(unknown["statusCode"] as? Int == 404)
    }

    @Test func preflightIsAnsweredWithoutAKey() async throws {
        let answer = try await Self.answer(
            Self.event(
                "payload-1.0",
                [
                    "httpMethod": "OPTIONS", "path": "/infer/hate-speech", "body": nil, "multiValueHeaders": nil,
                    "headers": ["Origin": "https://example.com", "Access-Control-Request-Method": "POST"],
                ]))
        #expect(answer["statusCode"] as? Int == 200)
        #expect((answer["headers"] as? [String: String])?["Access-Control-Allow-Methods"]?.contains("POST") == true)
    }

    @Test func malformedEventsAreInvalidEventErrors() async throws {
        let cases: [(String, String)] = [
            ("not json", "not JSON"),
            (#"{"hello": "world"}"#, "neither payload format 1.0"),
            (#"{"version": "2.0", "rawPath": "/infer/x"}"#, "missing field requestContext"),
            (#"{"httpMethod": "POST", "path": "/infer/x", "body": "@@", "isBase64Encoded": true}"#, "marked base64"),
        ]
        for (event, reason) in cases {
            let invocation = Invocation(
                requestID: "r", deadlineMilliseconds: .max, invokedFunctionARN: "arn", traceID: nil, event: Array(event.utf8))
            do {
                _ = try await Self.handler.handle(invocation)
                Issue.record("\(event) was answered")
            } catch let error as FunctionError {
                #expect(error.type == "Runtime.InvalidEvent")
                #expect(error.message.contains(reason), "\(error.message)")
            }
        }
    }
}
