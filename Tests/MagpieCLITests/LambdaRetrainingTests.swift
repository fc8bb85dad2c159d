import AWSClient
import Foundation
import Logging
import MagpieTestSupport
import Storage
import StorageBackends
import Testing

/// `magpie package lambda --retrain`: the training function gets an S3 `ObjectCreated` event
/// through the runtime loop, retrains from moto's S3, publishes version 2 to the bucket and
/// starts it as the canary in the table; a serving function then loads both versions from the
/// bucket at its cold start.
@Suite struct LambdaRetrainingTests {
    /// AWS's documented notification, for one object.
    static func objectCreated(bucket: String, key: String) -> String {
        #"""
        {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
          "eventTime": "2026-12-03T12:00:00.000Z", "eventName": "ObjectCreated:Put",
          "userIdentity": {"principalId": "AWS:EXAMPLE"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
          "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8"},
          "s3": {"s3SchemaVersion": "1.0", "configurationId": "DatasetCreated",
            "bucket": {"name": "\#(bucket)", "ownerIdentity": {"principalId": "EXAMPLE"}, "arn": "arn:aws:s3:::\#(bucket)"},
            "object": {"key": "\#(key)", "size": 1024, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5"}}}]}
        """#
    }

    @Test func aDatasetInS3IsRetrainedByTheTrainingFunctionAndServedFromTheBucket() async throws {
        let release = try MagpieProcess.releaseExecutable()
        let workspace = try Workspace()
        let packaged = try await MagpieProcess.run(
            ["package", "lambda", "--model", ModelFixture.artifact, "--retrain", "--output", workspace.path("dist")],
            executable: release)
        try #require(packaged.status == 0, "\(packaged.standardError)")
        let template = try String(contentsOfFile: workspace.path("dist/template.yaml"), encoding: .utf8)
        #expect(template.contains("TrainingFunction:") && template.contains("MAGPIE_FUNCTION: training"))
        #expect(template.contains("Type: S3") && template.contains("Value: datasets/"))
        let taskRoot = workspace.directory.appendingPathComponent("task")
        try FileManager.default.unzipItem(at: URL(fileURLWithPath: workspace.path("dist/function.zip")), to: taskRoot)
        let bootstrap = taskRoot.appendingPathComponent("bootstrap")

        // moto with authentication off: its own check refuses S3 listings with a prefix.
        let moto = try await HelperProcess.start(
            script: "scripts/aws/moto_with_auth.py", environment: ["MAGPIE_MOTO_AUTH": "off"])
        let aws = try await DynamoDBFixture.environment(moto).merging(["AWS_ENDPOINT_URL_S3": try moto.string("endpoint")]) { $1 }
        let s3 = S3(client: try AWSClient(service: .s3, environment: aws))
        let bucket = "magpie-dev-models-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket, deadline: .now + .seconds(120))
        for file in try FileManager.default.contentsOfDirectory(atPath: ModelFixture.artifact) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: ModelFixture.artifact + "/" + file))
            try await s3.putObject(
                bucket: bucket, key: "models/hate-speech/1/" + file, body: [UInt8](bytes), deadline: .now + .seconds(120))
        }
        // Tweets the fixture (version 1) did not train on: retraining compares the versions on those.
        let dataset = try workspace.hateSpeechSlice(perClass: 300, name: "new.csv", skipping: 1_500)
        try await s3.putObject(
            bucket: bucket, key: "datasets/hate-speech/new.csv",
            body: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dataset))),
            deadline: .now + .seconds(120))
        let table = DynamoDBFixture.location()
        let functionEnvironment = aws.merging([
            "MAGPIE_MODELS": "s3://\(bucket)/models/", "MAGPIE_DATABASE": table,
        ]) { $1 }

        let training = try await RuntimeAPIServer()
        training.enqueue(Array(Self.objectCreated(bucket: bucket, key: "datasets/hate-speech/new.csv").utf8), requestID: "s3")
        let trainer = try LambdaFunctionTests.start(
            bootstrap,
            environment: LambdaFunctionTests.lambdaEnvironment(
                runtimeAPI: training.endpoint, taskRoot: taskRoot.path,
                extra: functionEnvironment.merging(["MAGPIE_FUNCTION": "training"]) { $1 }))
        defer { trainer.terminate() }
        let trained = await training.posted(1, timeout: .seconds(240))
        try #require(trained.count == 1)
        guard case .response("s3", _) = trained[0] else {
            Issue.record("the training function answered \(trained[0])")
            return
        }
        let results = try #require(
            (try JSONSerialization.jsonObject(with: Data(trained[0].body.utf8)) as? [String: Any])?["results"] as? [[String: Any]]
        )
        #expect(results.first?["outcome"] as? String == "published" && results.first?["version"] as? Int == 2, "\(results)")
        let listed = try await s3.listObjects(bucket: bucket, prefix: "models/hate-speech/", deadline: .now + .seconds(120)).map(
            \.key)
        #expect(
            listed.contains("models/hate-speech/2/manifest.json") && listed.contains("models/hate-speech/holdout.jsonl"),
            "\(listed)")
        let store = try await StoreLocation(parsing: table).open(logger: Logger(label: "test"), environment: aws)
        let stored = try #require(try await store.release(of: "hate-speech"))
        #expect(stored.canary?.version == 2 && stored.stable == 1)
        await store.close()

        // A serving function copies both versions from the bucket and reads the release.
        let serving = try await RuntimeAPIServer()
        serving.enqueue(
            Array(
                LambdaFunctionTests.httpEvent(
                    path: "/v1/models/hate-speech/classify",
                    headers: #""content-type": "application/json", "x-magpie-model-version": "2""#
                ).utf8),
            requestID: "pinned")
        let server = try LambdaFunctionTests.start(
            bootstrap,
            environment: LambdaFunctionTests.lambdaEnvironment(
                runtimeAPI: serving.endpoint, taskRoot: taskRoot.path, extra: functionEnvironment))
        defer { server.terminate() }
        let answered = await serving.posted(1, timeout: .seconds(60))
        try #require(answered.count == 1)
        let (status, body, raw) = LambdaFunctionTests.answer(answered[0])
        #expect(status == 200, "\(answered[0].body)")
        #expect(body?["version"] as? String == "2")
        #expect((raw?["headers"] as? [String: String])?["X-Magpie-Model-Version"] == "2")
    }
}
