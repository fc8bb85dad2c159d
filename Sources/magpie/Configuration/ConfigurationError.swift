/// A configuration file problem, naming the key (as a dotted path) and its line.
struct ConfigurationError: Error, CustomStringConvertible {
    var file: String
    var key: String
    var line: Int?
    var reason: String

    var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(location): \(reason)" : "\(location): \(key): \(reason)"
    }
}
