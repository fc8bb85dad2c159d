/// Why `magpie bench` will not start, naming the flag or value at fault.
public enum BenchError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String, String)
    case invalidHeader(String, String)
    case invalidTemplate(String, String)
    case invalidOption(String, String)
    case emptyTexts(String)
    case unreadable(String)
    case unreachable(String, String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "URL '\(url)': \(reason)"
        case .invalidHeader(let header, let reason): "--header '\(header)': \(reason); write it as 'Name: value'"
        case .invalidTemplate(let template, let reason): "--template '\(template)': \(reason)"
        case .invalidOption(let option, let reason): "\(option) \(reason)"
        case .emptyTexts(let file): "--texts \(file) holds no texts (one per line)"
        case .unreadable(let file): "\(file) cannot be read"
        case .unreachable(let url, let reason): "cannot connect to \(url): \(reason)"
        }
    }
}
