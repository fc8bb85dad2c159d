import Classifiers
import Encoders
import Foundation

/// A run saved between two updates, so `--resume` goes on exactly where it stopped: the
/// weights, Adam's moments and step, the best epoch's weights, and the position in the
/// epoch. Batches and dropout masks follow from the seed, the epoch and the step, so with one
/// thread the resumed run's final weights equal an uninterrupted run's bit for bit.
///
/// A folder of two files, written into a temporary sibling and renamed into place:
/// `state.json` (the recipe, the data's fingerprint, the position) and `tensors.safetensors`.
extension FineTuner {
    struct CheckpointState: Codable {
        var settings: FineTuningSettings
        var dataFingerprint: String
        var parameterCount: Int
        var step: Int
        var position: Position
    }

    static let stateFile = "state.json"
    static let tensorsFile = "tensors.safetensors"

    /// Saves the run to `directory`, replacing an earlier checkpoint there. `dataFingerprint`
    /// names the training data (its SHA-256), so that a resume on other data is refused.
    public func writeCheckpoint(to directory: URL, dataFingerprint: String) throws(FineTuningError) {
        let count = network.parameters.count
        var tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] = [
            ("values", [count], UnsafeBufferPointer(start: network.parameters.values, count: count)),
            ("adam.first", [count], UnsafeBufferPointer(start: optimizer.firstMoments.pointer, count: count)),
            ("adam.second", [count], UnsafeBufferPointer(start: optimizer.secondMoments.pointer, count: count)),
        ]
        let state = CheckpointState(
            settings: settings, dataFingerprint: dataFingerprint, parameterCount: count, step: optimizer.step,
            position: position)
        let fileManager = FileManager.default
        let temporary = directory.deletingLastPathComponent().appendingPathComponent(
            ".\(directory.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try? fileManager.removeItem(at: temporary)
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: true)
            try JSONEncoder().encode(state).write(to: temporary.appendingPathComponent(Self.stateFile))
            let best = bestValues ?? []
            try best.withUnsafeBufferPointer { best in
                if !best.isEmpty { tensors.append(("best", [count], best)) }
                try SafetensorsWriter.encode(tensors).write(to: temporary.appendingPathComponent(Self.tensorsFile))
            }
            if fileManager.fileExists(atPath: directory.path) { try fileManager.removeItem(at: directory) }
            try fileManager.moveItem(at: temporary, to: directory)
        } catch {
            try? fileManager.removeItem(at: temporary)
            throw .writeFailed(path: directory.path, reason: error.localizedDescription)
        }
    }

    /// Restores a run saved by `writeCheckpoint` into this tuner, made with the same recipe,
    /// data and model; anything else is refused, saying what differs.
    public func resume(from directory: URL, dataFingerprint: String) throws(FineTuningError) {
        let state: CheckpointState
        do {
            state = try JSONDecoder().decode(
                CheckpointState.self, from: Data(contentsOf: directory.appendingPathComponent(Self.stateFile)))
        } catch {
            throw .checkpoint(path: directory.path, reason: "cannot be read (\(error.localizedDescription))")
        }
        let count = network.parameters.count
        guard state.dataFingerprint == dataFingerprint else {
            throw .checkpoint(path: directory.path, reason: "it was made on other training data")
        }
        guard state.settings == settings else {
            throw .checkpoint(path: directory.path, reason: "it was made with other settings; give the same options as that run")
        }
        guard state.parameterCount == count else {
            throw .checkpoint(path: directory.path, reason: "it holds \(state.parameterCount) weights; this model has \(count)")
        }
        do {
            let file = try SafetensorsFile(path: directory.appendingPathComponent(Self.tensorsFile).path)
            func restore(_ name: String, into target: UnsafeMutablePointer<Float>) throws(EncoderError) {
                _ = UnsafeMutableBufferPointer(start: target, count: count).update(
                    from: try file.tensor(name, shape: [count]).values)
            }
            try restore("values", into: network.parameters.values)
            try restore("adam.first", into: optimizer.firstMoments.pointer)
            try restore("adam.second", into: optimizer.secondMoments.pointer)
            bestValues = file.entries["best"] == nil ? nil : try file.tensor("best", shape: [count]).values
        } catch {
            throw .checkpoint(path: directory.path, reason: error.description)
        }
        optimizer.step = state.step
        position = state.position
    }
}
