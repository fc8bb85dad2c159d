import Encoders
import FineTuning
import Foundation

/// Times an encoder's explanation as `POST /v1/models/{model}/explain` computes it: integrated
/// gradients over a text of 64 tokens (`[CLS]` and `[SEP]` included), 20 steps, on 1 and 2
/// threads and at several batch sizes along the path (with the process's peak memory after
/// each size, the sizes run smallest first); also the completeness error at 20 and 100 steps.
/// Prints one JSON object. The classifier on top of a bare encoder starts as `transformers`
/// starts it, so the scores are small; the time does not depend on them.
///
/// Usage: ExplanationBenchmarks MODEL_DIR [ROUNDS]
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: ExplanationBenchmarks MODEL_DIR [ROUNDS]\n".utf8))
    exit(2)
}
ComputeThreads.stopOpenBLASThreads()
ComputeThreads.set(1)
let directory = URL(fileURLWithPath: arguments[1])
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 7 : 7

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// This process's peak resident memory so far (`VmHWM`), in megabytes.
func peakMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

let tokenizer = try WordPieceTokenizer(directory: directory)
let review = """
    I went in expecting very little from this film, and came out having loved almost every minute of it: the \
    acting is warm, the script is sharp, and the ending, while a little rushed, made the whole theatre laugh \
    and then go very quiet. The music deserves its own praise, and the two leads have a chemistry that most \
    romantic comedies of the last ten years can only dream of.
    """
let ids = Array(tokenizer.encode(review, maxLength: 64).ids)
precondition(ids.count == 64, "the benchmark's text should fill 64 tokens, not \(ids.count)")
let baseline = [ids[0]] + Array(repeating: tokenizer.paddingTokenID, count: 62) + [ids[63]]

var figures: [String: Any] = ["tokens": ids.count, "steps": 20, "rounds": rounds]
for threads in [1, 2] {
    let network = try SequenceClassifierNetwork.load(
        directory: directory, labelCount: 2, dropout: DropoutSettings.none, threads: threads, trainable: false)
    figures["peak_mb_loaded"] = figures["peak_mb_loaded"] ?? peakMegabytes()
    for rowsPerPass in [384, 768, 1344] {
        _ = try network.integratedGradients(
            of: ids, baseline: baseline, score: .classifierLogit(label: 1), steps: 20, rowsPerPass: rowsPerPass)
        let times = try (0..<rounds).map { _ in
            try seconds {
                _ = try network.integratedGradients(
                    of: ids, baseline: baseline, score: .classifierLogit(label: 1), steps: 20, rowsPerPass: rowsPerPass)
            }
        }
        figures["ms_\(threads)_threads_\(rowsPerPass)_rows"] = (median(times) * 1e4).rounded() / 10
        if threads == 1 { figures["peak_mb_after_\(rowsPerPass)_rows"] = peakMegabytes() }
    }
    if threads == 2 {
        for steps in [20, 100] {
            let attribution = try network.integratedGradients(
                of: ids, baseline: baseline, score: .classifierLogit(label: 1), steps: steps)
            figures["completeness_error_\(steps)_steps"] = attribution.completenessError
            figures["score_difference"] = attribution.score - attribution.baselineScore
        }
    }
}
let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys, .prettyPrinted])
print(String(decoding: json, as: UTF8.self))
