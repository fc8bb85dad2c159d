/// A configuration file problem, naming the key (as a dotted path) and its line.
package struct ConfigurationError: Error, CustomStringConvertible {
    package var file: String
    package var key: String
    package var line: Int?
    package var reason: String

    package var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(location): \(reason)" : "\(location): \(key): \(reason)"
    }
}
