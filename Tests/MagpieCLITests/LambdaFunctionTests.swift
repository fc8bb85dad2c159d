import Foundation
import MagpieTestSupport
import Testing
import ZIPFoundation

/// The function as Lambda runs it: `function.zip` from `magpie package lambda`, unzipped into
/// a task root, its `bootstrap` started with nothing in its environment but what Lambda sets,
/// answering events from a local Runtime API.
@Suite struct LambdaFunctionTests {
    /// What Lambda's provided.al2023 runtime puts in a function's environment (AWS's list of
    /// reserved variables), with the test server as the Runtime API.
    static func lambdaEnvironment(runtimeAPI: String, taskRoot: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "AWS_LAMBDA_RUNTIME_API": runtimeAPI, "LAMBDA_TASK_ROOT": taskRoot, "LAMBDA_RUNTIME_DIR": "/var/runtime",
            "_HANDLER": "bootstrap", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023", "AWS_LAMBDA_FUNCTION_NAME": "magpie-dev",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/magpie-dev", "AWS_LAMBDA_LOG_STREAM_NAME": "2026/12/01/[$LATEST]abc",
            "TZ": ":UTC", "LANG": "en_US.UTF-8", "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
            "LD_LIBRARY_PATH":
                "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:\(taskRoot):\(taskRoot)/lib:/opt/lib",
        ].merging(extra) { $1 }
    }

    static func start(_ bootstrap: URL, environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(
            executable: bootstrap.path, environment: environment, directory: bootstrap.deletingLastPathComponent().path,
            output: .null, errors: .null)
    }

    static let infer = #"{\"text\": \"I love you all\"}"#
    static let restEvent =
        #"{"version": "1.0", "resource": "/infer/{model}", "path": "/infer/hate-speech", "httpMethod": "POST", "headers": {"Content-Type": "application/json"}, "multiValueHeaders": {"Content-Type": ["application/json"]}, "body": "\#(infer)", "isBase64Encoded": false, "requestContext": {"stage": "v1"}}"#
    static func httpEvent(path: String = "/infer/hate-speech", headers: String = #""content-type": "application/json""#)
        -> String
    {
        #"{"version": "2.0", "routeKey": "$default", "rawPath": "\#(path)", "rawQueryString": "", "headers": {\#(headers)}, "requestContext": {"http": {"method": "POST", "path": "\#(path)"}, "stage": "$default"}, "body": "\#(infer)", "isBase64Encoded": false}"#
    }

    static func answer(_ post: RuntimeAPIServer.Posted) -> (status: Int?, body: [String: Any]?, raw: [String: Any]?) {
        let raw = try? JSONSerialization.jsonObject(with: Data(post.body.utf8)) as? [String: Any]
        let body = (raw?["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        return (raw?["statusCode"] as? Int, body, raw)
    }

    /// The function's `MAGPIE_*` variables as the template sets them (quoted scalars), which
    /// Lambda adds to its own environment.
    static func functionVariables(in template: String) -> [String: String] {
        var variables: [String: String] = [:]
        for line in template.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("MAGPIE_"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard value.hasPrefix("\""), value.hasSuffix("\"") else { continue }
            variables[String(trimmed[..<colon])] = String(value.dropFirst().dropLast())
        }
        return variables
    }

    static let labels: Set = ["Hate Speech", "Offensive Language", "Neither"]

    @Test func packagedBootstrapAnswersRestAndHTTPAPIEventsAndReportsMalformedOnes() async throws {
        let release = try MagpieProcess.releaseExecutable()
        let workspace = try Workspace()
        let packaged = try await MagpieProcess.run(
            ["package", "lambda", "--model", ModelFixture.artifact, "--output", workspace.path("dist")], executable: release)
        try #require(packaged.status == 0, "\(packaged.standardError)")
        #expect(packaged.standardOutput.contains("function.zip"))

        let archive = try Archive(url: URL(fileURLWithPath: workspace.path("dist/function.zip")), accessMode: .read)
        let entries = Dictionary(archive.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        // The artifact whole: the training texts' fingerprints, which retraining reads, too.
        #expect(
            Set(entries.keys) == [
                "bootstrap", "models/hate-speech/manifest.json", "models/hate-speech/weights.bin",
                "models/hate-speech/training-texts.bin",
            ])
        let permissions = try #require(entries["bootstrap"]).fileAttributes[.posixPermissions] as? NSNumber
        #expect(permissions.map { $0.intValue & 0o777 } == 0o755)
        #expect(FileManager.default.fileExists(atPath: workspace.path("dist/template.yaml")))

        let taskRoot = workspace.directory.appendingPathComponent("task")
        try FileManager.default.unzipItem(at: URL(fileURLWithPath: workspace.path("dist/function.zip")), to: taskRoot)
        let bootstrap = taskRoot.appendingPathComponent("bootstrap")
        #expect(FileManager.default.isExecutableFile(atPath: bootstrap.path))

        let server = try await RuntimeAPIServer()
        server.enqueue(Array(Self.restEvent.utf8), requestID: "rest")
        server.enqueue(Array(Self.httpEvent().utf8), requestID: "http")
        server.enqueue(Array(#"{"Records": [{"eventSource": "aws:s3"}]}"#.utf8), requestID: "s3")
        let process = try Self.start(
            bootstrap, environment: Self.lambdaEnvironment(runtimeAPI: server.endpoint, taskRoot: taskRoot.path))
        defer { process.terminate() }

        let posted = await server.posted(3)
        try #require(posted.count == 3, "posted: \(posted)")
        for (post, requestID) in zip(posted.prefix(2), ["rest", "http"]) {
            guard case .response(requestID, _) = post else {
                Issue.record("\(requestID): \(post)")
                continue
            }
            let (status, body, raw) = Self.answer(post)
            #expect(status == 200)
            #expect(Self.labels.contains(body?["category"] as? String ?? ""), "\(post.body)")
            #expect((raw?["multiValueHeaders"] != nil) == (requestID == "rest"))
            #expect((raw?["headers"] as? [String: String])?["Access-Control-Allow-Origin"] == "*")
        }
        guard case .error("s3", "Runtime.InvalidEvent", _) = posted[2] else {
            Issue.record("the S3 event got \(posted[2])")
            return
        }
        #expect((posted[2].errorDocument?["errorMessage"] as? String)?.contains("neither payload format") == true)
        #expect(process.isRunning, "the runtime must go on after a malformed event")
    }

    @Test func missingModelsAreAnInitializationErrorAndTheProcessExits() async throws {
        let workspace = try Workspace()
        let bootstrap = workspace.directory.appendingPathComponent("bootstrap")
        try FileManager.default.copyItem(at: MagpieProcess.executable, to: bootstrap)
        let server = try await RuntimeAPIServer()
        let process = try Self.start(
            bootstrap, environment: Self.lambdaEnvironment(runtimeAPI: server.endpoint, taskRoot: workspace.directory.path))
        defer { if process.isRunning { process.terminate() } }
        let posted = await server.posted(1)
        try #require(posted.count == 1)
        guard case .initializationError(let type, _) = posted[0] else {
            Issue.record("posted \(posted[0])")
            return
        }
        #expect(type == "Runtime.InitError")
        let message = posted[0].errorDocument?["errorMessage"] as? String ?? ""
        #expect(message.contains("no model artifacts under \(workspace.directory.path)/models"), "\(message)")
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(await process.exit() != .exited(0))
    }

    @Test func ownKeyCheckGuardsHTTPAPIEvents() async throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(
            at: workspace.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: workspace.path("models/hate-speech"))
        let key = try await ServeProcessTests.createKey(
            in: workspace.path("magpie.sqlite"), quota: "100/day", rate: 100, burst: 100)
        let bootstrap = workspace.directory.appendingPathComponent("bootstrap")
        try FileManager.default.copyItem(at: MagpieProcess.executable, to: bootstrap)

        let server = try await RuntimeAPIServer()
        server.enqueue(Array(Self.httpEvent().utf8), requestID: "no-key")
        server.enqueue(
            Array(Self.httpEvent(headers: #""content-type": "application/json", "x-api-key": "\#(key)""#).utf8),
            requestID: "key")
        let process = try Self.start(
            bootstrap,
            environment: Self.lambdaEnvironment(
                runtimeAPI: server.endpoint, taskRoot: workspace.directory.path, extra: ["MAGPIE_KEY_CHECK": "on"]))
        defer { process.terminate() }
        let posted = await server.posted(2)
        try #require(posted.count == 2, "posted: \(posted)")
        #expect(Self.answer(posted[0]).status == 403)
        #expect(Self.answer(posted[0]).body?["message"] as? String == "Forbidden")
        #expect(Self.answer(posted[1]).status == 200)
        #expect(Self.labels.contains(Self.answer(posted[1]).body?["category"] as? String ?? ""))
    }

    /// The first reference stack as one package: an HTTP API in front of a function that checks
    /// Magpie's keys and proxies `sentiment` to a SageMaker endpoint (the stand-in, which checks
    /// the signature with botocore and answers with a real Magpie model), beside a local model.
    @Test func packagedHTTPAPIFunctionProxiesToSageMakerWithItsOwnKeys() async throws {
        let release = try MagpieProcess.releaseExecutable()
        let workspace = try Workspace()
        try FileManager.default.createDirectory(
            at: workspace.directory.appendingPathComponent("upstream"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: workspace.path("upstream/hate-speech"))
        let upstreamKey = try await ServeProcessTests.createKey(
            in: workspace.path("upstream.sqlite"), quota: "none", rate: 1000, burst: 1000)
        let upstream = try ServeProcessTests.Server(
            models: workspace.path("upstream"), database: workspace.path("upstream.sqlite"))
        defer { upstream.process.terminate() }
        let standIn = try await HelperProcess.start(
            script: "scripts/sagemaker_standin.py",
            arguments: ["--magpie-url", "http://127.0.0.1:\(upstream.port)", "--magpie-key", upstreamKey])

        let key = try await ServeProcessTests.createKey(
            in: workspace.path("keys.sqlite"), quota: "100/day", rate: 100, burst: 100)
        let packaged = try await MagpieProcess.run(
            [
                "package", "lambda", "--model", ModelFixture.artifact, "--remote", "sentiment=sagemaker:distilbert-imdb",
                "--api", "http", "--database", workspace.path("keys.sqlite"), "--output", workspace.path("dist"),
            ], executable: release)
        try #require(packaged.status == 0, "\(packaged.standardError)")
        #expect(packaged.standardOutput.contains("models: hate-speech, sentiment"), "\(packaged.standardOutput)")
        let template = try String(contentsOfFile: workspace.path("dist/template.yaml"), encoding: .utf8)
        #expect(template.contains(":endpoint/distilbert-imdb\""))
        let variables = Self.functionVariables(in: template)
        #expect(variables["MAGPIE_KEY_CHECK"] == "on" && variables["MAGPIE_CONFIG"] == "magpie.yaml", "\(variables)")

        let taskRoot = workspace.directory.appendingPathComponent("task")
        try FileManager.default.unzipItem(at: URL(fileURLWithPath: workspace.path("dist/function.zip")), to: taskRoot)
        let server = try await RuntimeAPIServer()
        let keyed = #""content-type": "application/json", "x-api-key": "\#(key)""#
        server.enqueue(Array(Self.httpEvent(path: "/v1/infer/sentiment", headers: keyed).utf8), requestID: "remote")
        server.enqueue(Array(Self.httpEvent(path: "/v1/infer/hate-speech", headers: keyed).utf8), requestID: "local")
        server.enqueue(Array(Self.httpEvent(path: "/v1/infer/sentiment").utf8), requestID: "no-key")
        let environment = Self.lambdaEnvironment(
            runtimeAPI: server.endpoint, taskRoot: taskRoot.path,
            extra: variables.merging([
                "AWS_ACCESS_KEY_ID": try standIn.string("access_key_id"),
                "AWS_SECRET_ACCESS_KEY": try standIn.string("secret_access_key"),
                "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": try standIn.string("endpoint"),
            ]) { $1 })
        let process = try Self.start(taskRoot.appendingPathComponent("bootstrap"), environment: environment)
        defer { process.terminate() }

        let posted = await server.posted(3)
        try #require(posted.count == 3, "posted: \(posted)")
        let (remoteStatus, remoteBody, remoteRaw) = Self.answer(posted[0])
        #expect(remoteStatus == 200, "\(posted[0].body)")
        #expect(Self.labels.contains(remoteBody?["category"] as? String ?? ""), "\(posted[0].body)")
        let timing = (remoteRaw?["headers"] as? [String: String])?.first { $0.key.lowercased() == "server-timing" }?.value ?? ""
        #expect(timing.contains("upstream;dur="), "\(timing)")
        #expect(Self.answer(posted[1]).status == 200)
        #expect(Self.answer(posted[1]).body?["category"] as? String == remoteBody?["category"] as? String)
        #expect(Self.answer(posted[2]).status == 403)
    }

}
