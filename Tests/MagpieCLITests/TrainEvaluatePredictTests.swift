import Foundation
import MagpieTestSupport
import Testing

@Suite(.serialized) struct TrainEvaluatePredictTests {
    let labelNames = "0=Hate Speech,1=Offensive Language,2=Neither"

    @Test func trainsEvaluatesAndPredictsThroughTheCLI() async throws {
        let workspace = try Workspace()
        let data = try workspace.hateSpeechSlice(perClass: 120)
        let model = workspace.path("model")
        let report = workspace.path("report.json")
        let train = try await MagpieProcess.run([
            "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--label-names", labelNames,
            "--folds", "3", "--holdout", "0.2", "--seed", "7", "--name", "hate-speech", "--output", model, "--report", report,
        ])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.contains("Hold-out evaluation (72 rows"))
        #expect(train.standardOutput.contains("Cross-validation (3 folds"))
        #expect(train.standardError.contains("cross-validation: fold 3/3"))

        let reportJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        let manifest = reportJSON["manifest"] as! [String: Any]
        #expect(manifest["name"] as? String == "hate-speech")
        #expect((manifest["trainingData"] as! [String: Any])["rowsUsed"] as? Int == 360)
        let manifestOnDisk =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/manifest.json")))
            as! [String: Any]
        #expect(
            (manifestOnDisk["labels"] as! [[String: String]]).map { $0["name"]! } == [
                "Hate Speech", "Offensive Language", "Neither",
            ])

        let evaluate = try await MagpieProcess.run([
            "evaluate", "--model", model, "--data", data, "--text-column", "tweet", "--label-column", "class", "--json",
        ])
        #expect(evaluate.status == 0, "\(evaluate.standardError)")
        let lines = evaluate.standardOutput.split(separator: "\n")
        #expect(lines.count == 1)
        let metrics = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(Set(metrics.keys) == ["accuracy", "macro_f1", "weighted_f1", "count", "per_class", "confusion_matrix"])
        #expect(metrics["count"] as? Int == 360)
        let perClass = metrics["per_class"] as! [String: [String: Double]]
        #expect(Set(perClass.keys) == ["Hate Speech", "Offensive Language", "Neither"])
        #expect(perClass["Neither"]?["support"] == 120)
        let confusion = metrics["confusion_matrix"] as! [String: Any]
        let matrix = confusion["matrix"] as! [[Int]]
        #expect(matrix.map { $0.reduce(0, +) } == [120, 120, 120])
        #expect((metrics["accuracy"] as! Double) > 0.8, "training-set accuracy of a fitted model")

        let predict = try await MagpieProcess.run(["predict", "--model", model, "have a lovely day", "you stupid bitch"])
        #expect(predict.status == 0, "\(predict.standardError)")
        let predictions = predict.standardOutput.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(predictions.count == 2)
        for prediction in predictions {
            let scores = prediction["scores"] as! [String: Double]
            #expect(abs(scores.values.reduce(0, +) - 1) < 1e-4)
            #expect(scores[prediction["label"] as! String] == prediction["score"] as? Double)
        }
        #expect(predictions[0]["label"] as? String == "Neither")
        #expect(predictions[1]["label"] as? String == "Offensive Language")

        let fromStandardInput = try await MagpieProcess.run(
            ["predict", "--model", model], input: "have a lovely day\n\nyou stupid bitch\n")
        #expect(fromStandardInput.standardOutput == predict.standardOutput)

        try await explainsThePredictedLabel(model: model)
    }

    /// `--explain` adds the tokens' shares of the predicted label's logit, which add up with
    /// the bias, each pointing at its words in the text; a model of another kind is refused.
    func explainsThePredictedLabel(model: String) async throws {
        let text = "Have a LOVELY day, you stupid bitch &#128514;"
        let explained = try await MagpieProcess.run(["predict", "--model", model, "--explain", text])
        #expect(explained.status == 0, "\(explained.standardError)")
        let line = try JSONSerialization.jsonObject(with: Data(explained.standardOutput.utf8)) as! [String: Any]
        let explanation = line["explanation"] as! [String: Any]
        let tokens = explanation["tokens"] as! [[String: Any]]
        let total = (explanation["bias"] as! Double) + tokens.reduce(0) { $0 + ($1["score"] as! Double) }
        #expect(abs(total - (explanation["logit"] as! Double)) < 1e-9)
        let scalars = Array(text.unicodeScalars)
        let spans = tokens.map { token -> String in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[(token["start"] as! Int)..<(token["end"] as! Int)])
            return String(view)
        }
        #expect(tokens.map { $0["token"] as! String } == ["have", "a", "lovely", "day", "you", "stupid", "bitch", "😂"])
        #expect(spans == ["Have", "a", "LOVELY", "day", "you", "stupid", "bitch", "&#128514;"])
        let bitch = tokens.first { $0["token"] as? String == "bitch" }!["score"] as! Double
        #expect(line["label"] as? String == "Offensive Language" && bitch > 0)

        #expect(explanation["method"] as? String == "exact" && explanation["truncated"] as? Bool == false)

        // A Hugging Face folder explains by integrated gradients, its word pieces merged into words.
        let huggingFace = try await MagpieProcess.run([
            "predict", "--model", try ReferenceFiles.testVector("bert-tiny-cls").path, "--explain", "hello unbelievable world",
        ])
        #expect(huggingFace.status == 0, "\(huggingFace.standardError)")
        let encoderLine = try JSONSerialization.jsonObject(with: Data(huggingFace.standardOutput.utf8)) as! [String: Any]
        let encoderExplanation = encoderLine["explanation"] as! [String: Any]
        #expect(encoderExplanation["method"] as? String == "integrated_gradients")
        let words = (encoderExplanation["tokens"] as! [[String: Any]]).map { $0["token"] as! String }
        #expect(words == ["hello", "unbelievable", "world"])
    }

    @Test func sameDataOptionsAndSeedGiveAByteIdenticalArtifact() async throws {
        let workspace = try Workspace()
        let data = try workspace.hateSpeechSlice(perClass: 60)
        var digests: [Data] = []
        for name in ["first", "second"] {
            let result = try await MagpieProcess.run(
                [
                    "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--folds", "2", "--name", "m",
                    "--output", workspace.path(name),
                ],
                environment: ["SOURCE_DATE_EPOCH": "1700000000"])
            #expect(result.status == 0, "\(result.standardError)")
            digests.append(try Data(contentsOf: URL(fileURLWithPath: workspace.path(name) + "/manifest.json")))
            digests.append(try Data(contentsOf: URL(fileURLWithPath: workspace.path(name) + "/weights.bin")))
        }
        #expect(digests[0] == digests[2])
        #expect(digests[1] == digests[3])
    }

    @Test func naturalModeTrainsOnItsOwnFeatures() async throws {
        let workspace = try Workspace()
        let data = try workspace.hateSpeechSlice(perClass: 60)
        let model = workspace.path("natural")
        let train = try await MagpieProcess.run([
            "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--algorithm", "naive-bayes",
            "--naive-bayes-variant", "natural", "--output", model,
        ])
        #expect(train.status == 0, "\(train.standardError)")
        let manifest = try String(contentsOfFile: model + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"tokenization\" : \"natural-stemmed\""))
        #expect(manifest.contains("\"variant\" : \"natural\""))
    }
}
