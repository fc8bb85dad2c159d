import COpenBLAS
import Encoders
import Foundation

/// Times a sentence encoder the way a serving process uses it: load to first embedding, one
/// text at 16, 64 and 128 tokens on 1 and 2 threads, batches of 32 at 64 tokens, and the
/// GFLOP/s the forward pass reaches beside OpenBLAS's own sgemm on the same shapes. Prints
/// one JSON object, for `scripts/bench-encoders` to set beside ONNX Runtime and PyTorch.
///
/// Usage: EncoderBenchmarks MODEL_DIR [--int8] [--first-output]  (--int8: the model quantized as
///        `magpie quantize` does, written to a temporary folder first)
///        EncoderBenchmarks MODEL_DIR --repeat TOKENS THREADS SECONDS  (one text, over and over, for a
///        profiler such as `perf record` to attach to)
let started = ContinuousClock.now
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: EncoderBenchmarks MODEL_DIR [--first-output]\n".utf8))
    exit(2)
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return seconds(since: start)
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(Int(Double(sorted.count) * fraction), sorted.count - 1)]
}

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

/// A copy of `source` with its layers' weights quantized to int8.
func quantizedCopy(of source: URL) throws -> URL {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-int8-bench-\(getpid())")
    try? FileManager.default.removeItem(at: copy)
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file != "model.safetensors" {
        try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: copy.appendingPathComponent(file))
    }
    let weights = try SafetensorsFile(path: source.appendingPathComponent("model.safetensors").path)
    try EncoderQuantization.quantize(weights).data.write(to: copy.appendingPathComponent("model.safetensors"))
    return copy
}

let directory =
    arguments.contains("--int8") ? try quantizedCopy(of: URL(fileURLWithPath: arguments[1])) : URL(fileURLWithPath: arguments[1])
let encoder = try TextEncoder(directory: directory)
let loaded = seconds(since: started)
let firstEmbedding = try encoder.embed(["Magpie loads the encoder and embeds this sentence."])[0]
let loadToFirstOutput = seconds(since: started)
if arguments.contains("--first-output") {
    print(
        #"{"load_ms": \#(loaded * 1000), "load_to_first_output_ms": \#(loadToFirstOutput * 1000), "#
            + #""dimension": \#(firstEmbedding.vector.count), "rss_mb": \#(residentMegabytes())}"#)
    exit(0)
}

/// `count` token ids, `[CLS]` and `[SEP]` included, from a real sentence repeated: the same
/// ids the Python references are given.
func sequence(tokens count: Int) -> [Int32] {
    let text = String(repeating: "The quick brown fox jumps over the lazy dog near the riverbank. ", count: 40)
    return encoder.tokenizer.wrap(encoder.tokenizer.pieceIDs(of: text)[...], maxLength: count).ids
}

if let flag = arguments.firstIndex(of: "--repeat"), arguments.count > flag + 3, let tokens = Int(arguments[flag + 1]),
    let threads = Int(arguments[flag + 2]), let duration = Double(arguments[flag + 3])
{
    ComputeThreads.set(threads)
    let ids = [sequence(tokens: tokens)]
    let start = ContinuousClock.now
    var passes = 0
    var sink: Float = 0
    while seconds(since: start) < duration {
        sink += try encoder.encoder.hiddenStates(of: ids)[0].values[0]
        passes += 1
    }
    print(#"{"passes": \#(passes), "mean_ms": \#(seconds(since: start) * 1000 / Double(passes)), "checksum": \#(sink)}"#)
    exit(0)
}

let configuration = encoder.encoder.configuration
/// Multiply-adds ×2 of the linear layers and attention products for `rows` tokens of
/// sequences of `length`.
func forwardFlops(sequences: Int, length: Int) -> Double {
    let rows = Double(sequences * length)
    let hidden = Double(configuration.hiddenSize)
    let inner = Double(configuration.intermediateSize)
    let linear = rows * hidden * (4 * hidden + 2 * inner)
    let attention = Double(sequences) * 2 * Double(length * length) * hidden
    return 2 * Double(configuration.layerCount) * (linear + attention)
}

var results: [String: Any] = [
    "load_to_first_output_ms": loadToFirstOutput * 1000,
    "weights_mb": Double(
        (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("model.safetensors").path)[.size]
            as? Int) ?? 0)
        / 1_048_576,
]
var latency: [[String: Any]] = []
var sink: Float = 0
for threads in [1, 2] {
    ComputeThreads.set(threads)
    for tokens in [16, 64, 128] {
        let ids = [sequence(tokens: tokens)]
        for _ in 0..<10 { sink += try encoder.encoder.hiddenStates(of: ids)[0].values[0] }
        let runs = tokens == 128 ? 60 : 120
        let times = try (0..<runs).map { _ in try seconds { sink += try encoder.encoder.hiddenStates(of: ids)[0].values[0] } }
        let median = percentile(times, 0.5)
        latency.append([
            "threads": threads, "tokens": tokens, "p50_ms": median * 1000, "p90_ms": percentile(times, 0.9) * 1000,
            "gflops": forwardFlops(sequences: 1, length: tokens) / median / 1e9,
        ])
    }
    let batch = Array(repeating: sequence(tokens: 64), count: 32)
    sink += try encoder.encoder.hiddenStates(of: batch)[0].values[0]
    let times = try (0..<8).map { _ in try seconds { sink += try encoder.encoder.hiddenStates(of: batch)[0].values[0] } }
    let median = percentile(times, 0.5)
    latency.append([
        "threads": threads, "tokens": 64, "batch": 32, "texts_per_second": 32 / median,
        "gflops": forwardFlops(sequences: 32, length: 64) / median / 1e9,
    ])
}
results["runs"] = latency

/// OpenBLAS alone, on its own threads, on the forward pass's three product shapes at 64 tokens
/// (one sequence and a batch of 32): the ceiling the forward pass is measured against.
var peaks: [[String: Any]] = []
for threads in [1, 2] {
    openblas_set_num_threads(Int32(threads))
    defer { openblas_set_num_threads(1) }
    for rows in [64, 2048] {
        var total = 0.0
        var flops = 0.0
        for (outputs, inputs) in [
            (configuration.hiddenSize, configuration.hiddenSize), (configuration.intermediateSize, configuration.hiddenSize),
            (configuration.hiddenSize, configuration.intermediateSize),
        ] {
            let a = [Float](repeating: 0.5, count: rows * inputs)
            let b = [Float](repeating: 0.25, count: outputs * inputs)
            var c = [Float](repeating: 0, count: rows * outputs)
            let repeats = rows == 64 ? 200 : 10
            let run = {
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1, a, Int32(inputs), b,
                    Int32(inputs), 0, &c, Int32(outputs))
            }
            run()
            total += seconds { for _ in 0..<repeats { run() } } / Double(repeats)
            flops += 2 * Double(rows * outputs * inputs)
            sink += c[0]
        }
        peaks.append(["threads": threads, "rows": rows, "gflops": flops / total / 1e9])
    }
}
results["sgemm_peak"] = peaks
results["openblas_kernels"] = ComputeThreads.openBLASKernels
results["kernel_path"] = KernelPath.current.description
results["rss_mb"] = residentMegabytes()
results["checksum"] = Double(sink)
let json = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
