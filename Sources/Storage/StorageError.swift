/// Why a storage operation failed, worded for the operator who runs the command.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case invalidQuota(String)
    case invalidPlan(String)
    case planExists(String)
    case unknownPlan(String, known: [String])
    case unknownKey(String)
    case database(String)
    /// The database cannot be reached or is restarting; the operation may succeed later.
    case unavailable(String)
    case invalidLocation(String, reason: String)

    /// What went wrong without the "database error" framing, for a message that frames it
    /// itself ("cannot reach …: REASON").
    package var reason: String {
        switch self {
        case .database(let reason), .unavailable(let reason): reason
        default: description
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open database \(path): \(reason)"
        case .invalidQuota(let text):
            return
                "invalid quota '\(text)': expected LIMIT/PERIOD with a positive whole LIMIT and PERIOD day, week or month, e.g. 10000/month"
        case .invalidPlan(let reason):
            return "invalid usage plan: \(reason)"
        case .planExists(let name):
            return "usage plan '\(name)' already exists"
        case .unknownPlan(let name, let known):
            let list = known.isEmpty ? "none yet; create one with `magpie plans create`" : known.joined(separator: ", ")
            return "no usage plan named '\(name)' (plans: \(list))"
        case .unknownKey(let id):
            return "no API key with id '\(id)' (see `magpie keys list`)"
        case .database(let reason):
            return "database error: \(reason)"
        case .unavailable(let reason):
            return "the database is unavailable: \(reason)"
        case .invalidLocation(let text, let reason):
            return
                "--database \(text): \(reason); give a file path (SQLite), postgres://USER:PASSWORD@HOST:PORT/DATABASE, dynamodb://TABLE or memory://"
        }
    }
}
