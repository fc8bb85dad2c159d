import Foundation
import JSONValues
import LambdaRuntime
import Logging
import Retraining
import Storage

/// The training function of `magpie package lambda --retrain`: the same binary, started with
/// `MAGPIE_FUNCTION=training`. An S3 notification for `datasets/NAME/…` (or the schedule that
/// picks up datasets a running canary kept waiting) retrains NAME in /tmp from its folder in
/// the models bucket, uploads a published version to `models/NAME/VERSION/`, and records the
/// outcome and the canary in the shared store, where the serving functions read it.
struct DatasetEventHandler: LambdaHandler {
    let models: S3ModelMirror
    let datasets: S3ModelMirror
    let store: any SharedStore
    let policies: [String: RetrainPolicy]
    let logger: Logger
    let workDirectory = NSTemporaryDirectory() + "magpie-training"

    func handle(_ invocation: Invocation) async throws -> [UInt8] {
        let names: [String]
        switch try DatasetEvent.parse(invocation.event) {
        case .objectsCreated(let objects):
            names = Set(
                objects.compactMap { object -> String? in
                    guard object.bucket == datasets.bucket, object.key.hasPrefix(datasets.prefix) else { return nil }
                    let name = object.key.dropFirst(datasets.prefix.count).prefix { $0 != "/" }
                    return name.isEmpty ? nil : String(name)
                }
            ).sorted()
        case .scheduled:
            names = try await store.releases().map(\.model)
        }
        var results: [JSONValue] = []
        for name in names {
            results += try await retrain(name)
        }
        return Array(JSONValue.object(["results": .array(results)]).serialized.utf8)
    }

    /// Takes up `model`'s new datasets until one is published (it then runs as the canary) or
    /// none is left.
    private func retrain(_ model: String) async throws -> [JSONValue] {
        let folder = workDirectory + "/" + model
        // The bucket is the truth: a copy left in /tmp by an earlier invocation is dropped.
        try? FileManager.default.removeItem(atPath: folder)
        try await models.download(below: model + "/", to: workDirectory)
        var policy = policies[model] ?? RetrainPolicy(source: "")
        policy.source = "s3://\(datasets.bucket)/\(datasets.prefix)\(model)/"
        let source = S3Source(bucket: datasets.bucket, prefix: datasets.prefix + model + "/", s3: datasets.s3)
        let models = models
        let retrainer = Retrainer(model: model, folder: folder, policy: policy, source: source, store: store, logger: logger) {
            version, path in
            try await models.upload(folder: path, as: "\(model)/\(version)/")
        }
        var results: [JSONValue] = []
        while let record = await retrainer.poll() {
            // The hold-out is made with the first dataset and must stay the same for the next.
            let holdout = folder + "/holdout.jsonl"
            if FileManager.default.fileExists(atPath: holdout) {
                try await models.upload(file: holdout, as: "\(model)/holdout.jsonl")
            }
            var result: [String: JSONValue] = [
                "model": .string(model), "dataset": .string(record.name), "outcome": .string(record.status.rawValue),
            ]
            if let version = record.version { result["version"] = .number(Double(version)) }
            if let reason = record.reason { result["reason"] = .string(reason) }
            results.append(.object(result))
            if record.status == .published { break }
        }
        return results
    }
}
