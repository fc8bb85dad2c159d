/// Scores a classifier on labelled texts, on all cores.
public enum Evaluator {
    public static func predictions(of classifier: TextClassifier, texts: [String]) -> [Prediction] {
        ParallelMap.map(
            texts, makeState: { classifier.makePredictor() },
            transform: { predictor, text in predictor.predict(text) })
    }

    public static func evaluate(_ classifier: TextClassifier, texts: [String], truth: [Int]) -> ClassificationMetrics {
        let predicted = predictions(of: classifier, texts: texts).map(\.labelIndex)
        return ClassificationMetrics(truth: truth, predicted: predicted, labels: classifier.labels.names)
    }
}
