/// Why a dataset was not trained, or a source cannot be read, worded for the operator.
public enum RetrainingError: Error, Equatable, CustomStringConvertible {
    case invalidSource(String)
    case unreadable(source: String, name: String)
    /// The dataset's rows or fields are wrong: the message names the file, row and field.
    case badData(String)
    case unknownLabel(file: String, line: Int, column: String, label: String, known: [String])
    case tooFewRows(file: String, label: String, rows: Int, minimum: Int)
    case unsupportedRecipe(model: String, reason: String)
    /// Too few hold-out rows of a label are unseen by stable to compare the versions fairly.
    case tooFewUnseenRows(file: String, label: String, rows: Int, minimum: Int, leftOut: Int)
    case publishFailed(version: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidSource(let text): "retrain.source '\(text)': give a folder or s3://BUCKET/PREFIX"
        case .unreadable(let source, let name): "\(source): cannot read \(name)"
        case .badData(let message): message
        case .unknownLabel(let file, let line, let column, let label, let known):
            "\(file):\(line): \(column) '\(label)' is not one of the model's labels (\(known.joined(separator: ", ")))"
        case .tooFewRows(let file, let label, let rows, let minimum):
            "\(file): label '\(label)' has \(rows) training rows; retraining needs at least \(minimum) of each label"
        case .unsupportedRecipe(let model, let reason): "model '\(model)' cannot be retrained: \(reason)"
        case .tooFewUnseenRows(let file, let label, let rows, let minimum, let leftOut):
            "\(file): not decided: the hold-out has \(rows) rows of label '\(label)' that the stable version did not train on, and a fair comparison needs \(minimum) (\(leftOut) rows it trained on were left out); add rows it has not seen"
        case .publishFailed(let version, let reason): "version \(version) could not be published: \(reason)"
        }
    }
}
