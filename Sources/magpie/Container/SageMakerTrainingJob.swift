import ArgumentParser
import Foundation
import JSONValues

/// SageMaker's training contract: the job's settings arrive in
/// `/opt/ml/input/config/hyperparameters.json`, its data in `/opt/ml/input/data/CHANNEL/`,
/// and what the container leaves in `/opt/ml/model/` becomes the job's `model.tar.gz`. A failed
/// job's reason goes to `/opt/ml/output/failure`, which SageMaker shows as the job's
/// `FailureReason`, and the process exits non-zero.
///
/// Hyperparameters are `magpie train`'s options without their dashes (`"text-column": "tweet"`,
/// `"fine-tune": "true"`); SageMaker passes every value as a string, so `"true"` gives a flag
/// and `"false"` leaves it out. `channel` names the data channel (default `train`), whose one
/// CSV or JSON Lines file is the training data; the model is written to
/// `/opt/ml/model/NAME/`, NAME being `name` (default `model`), which is what
/// `magpie container serve` then serves from the unpacked tarball.
struct SageMakerTrainingJob {
    let root: URL

    func run() throws {
        do {
            let command = try TrainCommand.parse(try trainArguments())
            try command.run()
        } catch {
            let reason = TrainCommand.message(for: error)
            let output = root.appendingPathComponent("output")
            try? FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            try? Data(reason.utf8).write(to: output.appendingPathComponent("failure"))
            throw error
        }
    }

    func trainArguments() throws(ValidationError) -> [String] {
        let file = root.appendingPathComponent("input/config/hyperparameters.json")
        var settings: [String: String] = [:]
        if let bytes = FileManager.default.contents(atPath: file.path) {
            guard case .object(let object) = try? JSONParser.parse([UInt8](bytes)) else {
                throw ValidationError("\(file.path): expected a JSON object of magpie train options")
            }
            for (key, value) in object {
                switch value {
                case .string(let text): settings[key] = text
                // A whole number is an integer option's value: 3, not 3.0.
                case .number(let number):
                    settings[key] =
                        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : number.description
                case .bool(let flag): settings[key] = flag ? "true" : "false"
                default: throw ValidationError("\(file.path): \(key) must be a string, number or boolean")
                }
            }
        }
        for reserved in ["data", "output"] where settings[reserved] != nil {
            throw ValidationError(
                "\(file.path): \(reserved) is set by the training contract (channel data in, /opt/ml/model out); remove it")
        }
        let channel = settings.removeValue(forKey: "channel") ?? "train"
        let name = settings["name"] ?? "model"
        var arguments = ["--data", try dataFile(channel: channel), "--output", root.appendingPathComponent("model/\(name)").path]
        if settings["name"] == nil { arguments += ["--name", name] }
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            switch value.lowercased() {
            case "true": arguments.append("--\(key)")
            case "false": continue
            default: arguments += ["--\(key)", value]
            }
        }
        return arguments
    }

    /// The channel's one data file.
    private func dataFile(channel: String) throws(ValidationError) -> String {
        let folder = root.appendingPathComponent("input/data/\(channel)")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw ValidationError(
                "no data channel '\(channel)': \(folder.path) does not exist; name the job's channel \(channel) or set the channel hyperparameter"
            )
        }
        let data = names.filter { [".csv", ".jsonl", ".ndjson"].contains(where: $0.lowercased().hasSuffix) }.sorted()
        guard data.count == 1 else {
            throw ValidationError(
                "channel '\(channel)' (\(folder.path)) must hold exactly one .csv, .jsonl or .ndjson file; it holds \(data.isEmpty ? "none" : data.joined(separator: ", "))"
            )
        }
        return folder.appendingPathComponent(data[0]).path
    }
}
