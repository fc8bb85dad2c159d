import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `magpie serve` with an encoder model (a head over the tiny BERT of the test vectors):
/// every request goes through the model's batch queue, says how long it queued in
/// `Server-Timing`, and is counted in the batch metrics; with `batching: false` none is.
@Suite struct BatchedServingTests {
    /// Serves heads over the tiny BERT named `models` (each trained on a different slice of
    /// tweets), from a configuration with `batching` when given, else from the models folder.
    func serve(_ workspace: Workspace, models names: [String] = ["tiny"], batching: String?) async throws -> (
        ServeProcessTests.Server, String
    ) {
        for (index, name) in names.enumerated() {
            let data = try workspace.hateSpeechSlice(perClass: 20 + index)
            let trained = try await MagpieProcess.run([
                "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--encoder",
                try ReferenceFiles.testVector("bert-tiny-cls").path, "--output", workspace.path("models/\(name)"),
            ])
            #expect(trained.status == 0, "\(trained.standardError)")
        }
        let database = workspace.path("magpie.sqlite")
        let key = try await ServeProcessTests.createKey(in: database, quota: "10000/day", rate: 1000, burst: 1000)
        let models =
            if let batching {
                [
                    "--config",
                    try workspace.write(
                        "config.yaml", "models:\n  tiny: {path: \(workspace.path("models/tiny")), batching: \(batching)}\n"),
                ]
            } else {
                ["--models", workspace.path("models")]
            }
        let arguments = models + ["--database", database, "--port", "0"]
        return (try ServeProcessTests.Server(arguments: arguments), key)
    }

    /// Sends `count` requests at once; returns each answer's status and `Server-Timing`.
    func classifyConcurrently(port: Int, key: String, count: Int, models: [String] = ["tiny"]) async throws -> [(Int, String?)] {
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<count {
                group.addTask {
                    let model = models[index % models.count]
                    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/infer/\(model)")!)
                    request.httpMethod = "POST"
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.setValue(key, forHTTPHeaderField: "x-api-key")
                    request.httpBody = Data(#"{"text": "text number \#(index), not a short one at all"}"#.utf8)
                    let (_, response) = try await URLSession.shared.data(for: request)
                    let http = response as! HTTPURLResponse
                    return (http.statusCode, http.value(forHTTPHeaderField: "Server-Timing"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    struct Unanswered: Error, CustomStringConvertible {
        let description: String
    }

    /// The server's `/metrics` page. A connection the client could not open is tried again
    /// while the server runs: once, in a full parallel run, the test process's connect was
    /// refused at once; otherwise the error says whether the server ran and what it logged.
    func metrics(of server: ServeProcessTests.Server) async throws -> String {
        let url = URL(string: "http://127.0.0.1:\(server.port)/metrics")!
        var attempts = 1
        while true {
            do {
                return String(decoding: try await URLSession.shared.data(from: url).0, as: UTF8.self)
            } catch {
                guard attempts < 3, server.process.isRunning else {
                    throw Unanswered(description: "\(error); running: \(server.process.isRunning); log:\n\(server.loggedText)")
                }
                attempts += 1
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// The sum of a metric's samples whose line starts with `prefix`.
    func total(_ prefix: String, in page: String) -> Double {
        page.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { Double($0.split(separator: " ").last ?? "") }
            .reduce(0, +)
    }

    @Test func everyRequestToAnEncoderModelQueuesForABatchAndIsCounted() async throws {
        let workspace = try Workspace()
        let (server, key) = try await serve(workspace, batching: nil)
        let answers = try await classifyConcurrently(port: server.port, key: key, count: 24)
        #expect(answers.allSatisfy { $0.0 == 200 }, "\(answers)")
        #expect(answers.allSatisfy { $0.1?.contains("queue;dur=") == true }, "\(answers)")
        let page = try await metrics(of: server)
        #expect(total(#"magpie_batched_requests_total{queue="encoder-"#, in: page) == 24, "\(page)")
        #expect(total(#"magpie_batch_texts_sum{queue="encoder-"#, in: page) == 24, "\(page)")
        let batches = total(#"magpie_batch_texts_count{queue="encoder-"#, in: page)
        #expect(batches >= 1 && batches <= 24, "\(page)")
        #expect(await server.terminate() == .exited(0))
    }

    @Test func headsOverOneEncoderShareItsQueueAndEachAnswersWithItsOwnHead() async throws {
        let workspace = try Workspace()
        let models = ["first", "second", "third"]
        let (server, key) = try await serve(workspace, models: models, batching: nil)
        let answers = try await classifyConcurrently(port: server.port, key: key, count: 30, models: models)
        #expect(answers.allSatisfy { $0.0 == 200 }, "\(answers)")
        let page = try await metrics(of: server)
        let queues = Set(
            page.split(separator: "\n").filter { $0.hasPrefix("magpie_batched_requests_total{") }.map {
                $0.split(separator: "}")[0]
            })
        #expect(
            queues.count == 1 && queues.first?.hasPrefix(#"magpie_batched_requests_total{queue="encoder-"#) == true, "\(page)")
        #expect(total(#"magpie_batched_requests_total{queue="encoder-"#, in: page) == 30, "\(page)")
        let text = "text number 7, not a short one at all"
        var scores: [Double] = []
        for model in models {
            let predicted = try await MagpieProcess.run(["predict", "--model", workspace.path("models/\(model)"), text])
            let alone = try JSONSerialization.jsonObject(with: Data(predicted.standardOutput.utf8)) as? [String: Any]
            let served = try await ServeProcessTests.Server.post(
                port: server.port, "/v1/models/\(model)/classify", ["text": text], key: key)
            let shared = try JSONSerialization.jsonObject(with: Data(served.body.utf8)) as? [String: Any]
            let (aloneScore, sharedScore) = (alone?["score"] as? Double ?? .nan, shared?["score"] as? Double ?? .nan)
            #expect(abs(aloneScore - sharedScore) <= 1e-5, "\(model): \(predicted.standardOutput) vs \(served.body)")
            scores.append(sharedScore)
        }
        #expect(Set(scores).count == models.count, "each model's own head: \(scores)")
        #expect(await server.terminate() == .exited(0))
    }
}
