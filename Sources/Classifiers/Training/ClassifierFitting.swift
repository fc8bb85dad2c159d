/// A way of fitting a classifier on prepared inputs, so one validation pipeline serves n-gram
/// models (inputs: term counts) and encoder heads (inputs: embeddings) alike.
public protocol ClassifierFitting: Sendable {
    associatedtype Input: Sendable
    associatedtype Model: Sendable

    /// Fits on `inputs` alone; anything learned from data (feature space, IDF) comes from them.
    func fit(_ inputs: [Input], labels: [Int], labelSet: LabelSet, progress: (_ iteration: Int, _ loss: Double) -> Void)
        -> (model: Model, summary: ModelTrainer.FitSummary)

    /// The most probable label index of each input.
    func predictedLabels(of model: Model, for inputs: [Input]) -> [Int]
}
