import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The image from `magpie package container`, loaded and run under podman as each platform
/// runs it: SageMaker hosting (`serve`), SageMaker training (`train`), Lambda (the Runtime API
/// in the environment) and a plain container (no argument). Needs podman and runc
/// (`scripts/system-packages test`) and the release build the image ships.
@Suite(.serialized) struct ContainerImageTests {
    /// Packages the bundled model with the release build, loads the image, and returns podman.
    static func loadedImage(in workspace: Workspace, models: [String] = [ModelFixture.artifact]) async throws -> Podman {
        let podman = try Podman(workspace)
        let packaged = try await MagpieProcess.run(
            ["package", "container", "--tag", "magpie-test:1", "--output", workspace.path("image.tar")]
                + models.flatMap { ["--model", $0] }, executable: try MagpieProcess.releaseExecutable())
        try #require(packaged.status == 0, "\(packaged.standardError)")
        // The loader ships once, at the path the executable names; a release build needs only glibc's and GCC's libraries.
        #expect(packaged.standardOutput.components(separatedBy: "ld-linux").count == 2, "\(packaged.standardOutput)")
        #expect(!packaged.standardOutput.contains("libswiftCore"), "\(packaged.standardOutput)")
        let loaded = try await podman.run(["load", "-i", workspace.path("image.tar")])
        try #require(loaded.status == 0, "\(loaded.standardError)")
        return podman
    }

    static func request(
        _ method: String, port: Int, _ path: String, body: String? = nil, headers: [String: String] = [:]
    ) async throws -> (status: Int, body: String, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 30)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.allHeaderFields)
    }

    /// Polls until the server answers `path` with 200, or 30 seconds pass.
    static func waitFor200(port: Int, _ path: String) async -> Bool {
        for _ in 0..<300 {
            if let answer = try? await request("GET", port: port, path), answer.status == 200 { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static let labels: Set = ["Hate Speech", "Offensive Language", "Neither"]

    @Test func sageMakerHostingPingsInvokesAndStopsCleanly() async throws {
        let workspace = try Workspace()
        let podman = try await Self.loadedImage(in: workspace)
        defer { Task { await podman.clean() } }
        let inspected = try await podman.run([
            "image", "inspect", "localhost/magpie-test:1", "--format", "{{.User}} {{.Config.Entrypoint}}",
        ])
        #expect(
            inspected.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                == "10001:10001 [/usr/local/bin/magpie container]")

        let port = LoopbackPort.closed()
        let started = try await podman.run([
            "run", "-d", "--name", "hosting", "--network", "host", "-e", "SAGEMAKER_BIND_TO_PORT=\(port)",
            "localhost/magpie-test:1", "serve",
        ])
        try #require(started.status == 0, "\(started.standardError)")
        let ready = await Self.waitFor200(port: port, "/ping")
        let logs = try await podman.run(["logs", "hosting"])
        try #require(ready, "no 200 from /ping: \(logs.standardOutput)\(logs.standardError)")

        let single = try await Self.request("POST", port: port, "/invocations", body: #"{"inputs": "I love you all"}"#)
        #expect(single.status == 200, "\(single.body)")
        let answers = try JSONSerialization.jsonObject(with: Data(single.body.utf8)) as? [[String: Any]]
        #expect(answers?.count == 1)
        #expect(Self.labels.contains(answers?.first?["label"] as? String ?? ""))

        let batch = try await Self.request(
            "POST", port: port, "/invocations", body: #"{"inputs": ["first text", "second text"]}"#,
            headers: ["X-Amzn-SageMaker-Custom-Attributes": "trace=abc;model=hate-speech"])
        #expect(batch.status == 200, "\(batch.body)")
        #expect((try JSONSerialization.jsonObject(with: Data(batch.body.utf8)) as? [[String: Any]])?.count == 2)
        #expect(batch.headers["X-Amzn-SageMaker-Custom-Attributes"] as? String == "model=hate-speech;version=1")

        let unknown = try await Self.request(
            "POST", port: port, "/invocations", body: #"{"inputs": "x"}"#,
            headers: ["X-Amzn-SageMaker-Custom-Attributes": "model=nope"])
        #expect(unknown.status == 404, "\(unknown.body)")
        let pinned = try await Self.request(
            "POST", port: port, "/invocations", body: #"{"inputs": "x"}"#,
            headers: ["X-Amzn-SageMaker-Custom-Attributes": "version=99"])
        #expect(pinned.status == 404, "an unknown pinned version: \(pinned.body)")
        let missing = try await Self.request("POST", port: port, "/invocations", body: #"{"text": "x"}"#)
        #expect(missing.status == 422 || missing.status == 400, "\(missing.body)")
        // The public API stays behind keys in the same process.
        let keyed = try await Self.request("POST", port: port, "/v1/models/hate-speech/classify", body: #"{"text": "x"}"#)
        #expect(keyed.status == 401 || keyed.status == 403, "\(keyed.body)")

        let stopped = try await podman.run(["stop", "-t", "20", "hosting"])
        #expect(stopped.status == 0)
        let exitCode = try await podman.run(["inspect", "hosting", "--format", "{{.State.ExitCode}}"])
        #expect(exitCode.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func sageMakerTrainingWritesAModelThatThenServes() async throws {
        let workspace = try Workspace()
        let podman = try await Self.loadedImage(in: workspace)
        defer { Task { await podman.clean() } }
        let ml = workspace.directory.appendingPathComponent("ml")
        for folder in ["input/config", "input/data/train", "model", "output"] {
            try FileManager.default.createDirectory(at: ml.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let data = try workspace.hateSpeechSlice(perClass: 40)
        try FileManager.default.copyItem(atPath: data, toPath: ml.appendingPathComponent("input/data/train/tweets.csv").path)
        let hyperparameters = ml.appendingPathComponent("input/config/hyperparameters.json")
        try
            #"{"text-column": "tweet", "label-column": "class", "name": "tweets", "label-names": "0=Hate Speech,1=Offensive Language,2=Neither"}"#
            .write(to: hyperparameters, atomically: true, encoding: .utf8)
        // The container runs as its own user, which must write the model and the failure file.
        for folder in ["model", "output"] {
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o777], ofItemAtPath: ml.appendingPathComponent(folder).path)
        }
        let trained = try await podman.run([
            "run", "--rm", "--network", "host", "-v", "\(ml.path):/opt/ml", "localhost/magpie-test:1", "train",
        ])
        #expect(trained.status == 0, "\(trained.standardOutput)\(trained.standardError)")
        #expect(FileManager.default.fileExists(atPath: ml.appendingPathComponent("model/tweets/manifest.json").path))
        #expect(!FileManager.default.fileExists(atPath: ml.appendingPathComponent("output/failure").path))

        let port = LoopbackPort.closed()
        let started = try await podman.run([
            "run", "-d", "--name", "served", "--network", "host", "-e", "SAGEMAKER_BIND_TO_PORT=\(port)", "-v",
            "\(ml.appendingPathComponent("model").path):/opt/ml/model:ro", "localhost/magpie-test:1", "serve",
        ])
        try #require(started.status == 0, "\(started.standardError)")
        #expect(await Self.waitFor200(port: port, "/ping"))
        let answer = try await Self.request("POST", port: port, "/invocations", body: #"{"inputs": "have a nice day"}"#)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.headers["X-Amzn-SageMaker-Custom-Attributes"] as? String == "model=tweets;version=1")
        _ = try await podman.run(["stop", "-t", "20", "served"])

        // Fine-tuning in a job: the encoder comes in a channel of its own.
        try FileManager.default.copyItem(
            at: try ReferenceFiles.testVector("bert-tiny-cls"), to: ml.appendingPathComponent("input/data/encoder"))
        try
            #"{"text-column": "tweet", "label-column": "class", "name": "tiny", "encoder": "/opt/ml/input/data/encoder", "fine-tune": "true", "epochs": 1, "max-length": "32", "validation": "0"}"#
            .write(to: hyperparameters, atomically: true, encoding: .utf8)
        let fineTuned = try await podman.run([
            "run", "--rm", "--network", "host", "-v", "\(ml.path):/opt/ml", "localhost/magpie-test:1", "train",
        ])
        #expect(fineTuned.status == 0, "\(fineTuned.standardOutput)\(fineTuned.standardError)")
        #expect(FileManager.default.fileExists(atPath: ml.appendingPathComponent("model/tiny/model.safetensors").path))

        try #"{"text-column": "no-such-column", "label-column": "class"}"#.write(
            to: hyperparameters, atomically: true, encoding: .utf8)
        let failed = try await podman.run([
            "run", "--rm", "--network", "host", "-v", "\(ml.path):/opt/ml", "localhost/magpie-test:1", "train",
        ])
        #expect(failed.status != 0)
        let reason = try String(contentsOf: ml.appendingPathComponent("output/failure"), encoding: .utf8)
        #expect(reason.contains("no-such-column"), "\(reason)")
    }

    /// SageMaker unpacks `ModelDataUrl` with tar into /opt/ml/model; the image serves that.
    @Test func aSageMakerModelArchiveUnpacksIntoServedModels() async throws {
        let workspace = try Workspace()
        let podman = try await Self.loadedImage(in: workspace)
        defer { Task { await podman.clean() } }
        let archived = try await MagpieProcess.run([
            "package", "sagemaker-model", "--model", ModelFixture.artifact, "--output", workspace.path("model.tar.gz"),
        ])
        try #require(archived.status == 0, "\(archived.standardError)")
        let unpacked = workspace.directory.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        let tar = try await MagpieProcess.run(
            ["-xzf", workspace.path("model.tar.gz"), "-C", unpacked.path], executable: URL(fileURLWithPath: "/bin/tar"))
        try #require(tar.status == 0, "\(tar.standardError)")
        #expect(FileManager.default.fileExists(atPath: unpacked.appendingPathComponent("hate-speech/weights.bin").path))

        let port = LoopbackPort.closed()
        let started = try await podman.run([
            "run", "-d", "--name", "unpacked", "--network", "host", "-e", "SAGEMAKER_BIND_TO_PORT=\(port)", "-v",
            "\(unpacked.path):/opt/ml/model:ro", "localhost/magpie-test:1", "serve",
        ])
        try #require(started.status == 0, "\(started.standardError)")
        #expect(await Self.waitFor200(port: port, "/ping"))
        let answer = try await Self.request("POST", port: port, "/invocations", body: #"{"inputs": "have a nice day"}"#)
        #expect(answer.status == 200, "\(answer.body)")
        _ = try await podman.run(["stop", "-t", "20", "unpacked"])
    }

    @Test func lambdaModeAnswersTheRuntimeAPI() async throws {
        let workspace = try Workspace()
        let podman = try await Self.loadedImage(in: workspace)
        defer { Task { await podman.clean() } }
        let server = try await RuntimeAPIServer()
        server.enqueue(Array(LambdaFunctionTests.restEvent.utf8), requestID: "rest")
        let environment = LambdaFunctionTests.lambdaEnvironment(runtimeAPI: server.endpoint, taskRoot: "/var/task")
            .filter { ["AWS_LAMBDA_RUNTIME_API", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT"].contains($0.key) }
        let started = try await podman.run(
            ["run", "-d", "--name", "function", "--network", "host"] + environment.flatMap { ["-e", "\($0.key)=\($0.value)"] }
                + ["localhost/magpie-test:1"])
        try #require(started.status == 0, "\(started.standardError)")
        let posted = await server.posted(1)
        let logs = try await podman.run(["logs", "function"])
        try #require(posted.count == 1, "nothing posted; the container logged: \(logs.standardOutput)\(logs.standardError)")
        guard case .response("rest", _) = posted[0] else {
            Issue.record("\(posted[0])")
            return
        }
        let (status, body, _) = LambdaFunctionTests.answer(posted[0])
        #expect(status == 200)
        #expect(Self.labels.contains(body?["category"] as? String ?? ""), "\(posted[0].body)")
    }

    @Test func plainContainerServesWithKeysFromAMountedDatabase() async throws {
        let workspace = try Workspace()
        let podman = try await Self.loadedImage(in: workspace)
        defer { Task { await podman.clean() } }
        let data = workspace.directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let key = try await ServeProcessTests.createKey(
            in: data.appendingPathComponent("magpie.sqlite").path, quota: "100/day", rate: 10, burst: 10)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: data.path)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o666], ofItemAtPath: data.appendingPathComponent("magpie.sqlite").path)

        let port = LoopbackPort.closed()
        let started = try await podman.run([
            "run", "-d", "--name", "plain", "--network", "host", "-v", "\(data.path):/data", "-e", "MAGPIE_PORT=\(port)", "-e",
            "MAGPIE_HOST=127.0.0.1", "-e", "MAGPIE_DATABASE=/data/magpie.sqlite", "localhost/magpie-test:1",
        ])
        try #require(started.status == 0, "\(started.standardError)")
        #expect(await Self.waitFor200(port: port, "/health"))
        let ping = try? await Self.request("GET", port: port, "/ping")
        #expect(ping?.status == 404, "the plain server must not serve SageMaker's unkeyed contract")
        let refused = try await Self.request("POST", port: port, "/v1/models/hate-speech/classify", body: #"{"text": "hello"}"#)
        #expect(refused.status == 401 || refused.status == 403)
        let answered = try await Self.request(
            "POST", port: port, "/v1/models/hate-speech/classify", body: #"{"text": "hello"}"#, headers: ["x-api-key": key])
        #expect(answered.status == 200, "\(answered.body)")
        _ = try await podman.run(["stop", "-t", "20", "plain"])
    }
}
