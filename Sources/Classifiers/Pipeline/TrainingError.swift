/// Training options that cannot work with the data given.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case invalidFoldCount(Int)
    case invalidHoldoutFraction(Double)
    case classTooSmallForFolds(label: String, count: Int, folds: Int)
    case classTooSmallForHoldout(label: String, count: Int)

    public var description: String {
        switch self {
        case .invalidFoldCount(let folds):
            return "--folds must be at least 2 (got \(folds))"
        case .invalidHoldoutFraction(let fraction):
            return "--holdout must be a fraction between 0 and 1, exclusive (got \(fraction))"
        case .classTooSmallForFolds(let label, let count, let folds):
            return
                "class '\(label)' has \(count) examples, fewer than the \(folds) folds asked for; lower --folds or add examples"
        case .classTooSmallForHoldout(let label, let count):
            return "class '\(label)' has \(count) example(s); a hold-out split needs at least 2 per class"
        }
    }
}
