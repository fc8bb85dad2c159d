import Foundation

/// `~/.aws/credentials` and `~/.aws/config` (or `AWS_SHARED_CREDENTIALS_FILE` and
/// `AWS_CONFIG_FILE`), read as the SDKs read them: `[name]` sections in the first,
/// `[profile name]` (and `[default]`) in the second, `key = value` lines, `#` and `;` comments,
/// indented lines belonging to the key above (nested settings, which are skipped).
public struct AWSConfigFiles: Sendable {
    /// Settings by profile name, then key; the credentials file's values win.
    public let profiles: [String: [String: String]]
    /// The profile in use: `AWS_PROFILE`, else `default`.
    public let profileName: String
    /// True when `AWS_PROFILE` named a profile, which must then exist.
    public let profileWasChosen: Bool

    public init(environment: [String: String]) throws(AWSClientError) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config"
        var profiles = try Self.read(configPath, sectionPrefix: "profile ")
        for (name, settings) in try Self.read(credentialsPath, sectionPrefix: nil) {
            profiles[name, default: [:]].merge(settings) { _, fromCredentials in fromCredentials }
        }
        self.profiles = profiles
        let chosen = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        profileName = chosen ?? "default"
        profileWasChosen = chosen != nil
    }

    /// The settings of the profile in use, or nil when there is none.
    public var profile: [String: String]? { profiles[profileName] }

    static func read(_ path: String, sectionPrefix: String?) throws(AWSClientError) -> [String: [String: String]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var sections: [String: [String: String]] = [:]
        var current: String?
        for (index, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            let isIndented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || isIndented { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw .configuration("\(path):\(index + 1): a section header must end with ]")
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if let prefix = sectionPrefix {
                    if name == "default" {
                        current = name
                    } else if name.hasPrefix(prefix) {
                        current = name.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
                    } else {
                        current = nil
                    }
                } else {
                    current = name
                }
                if let current { sections[current, default: [:]] = sections[current] ?? [:] }
                continue
            }
            guard let current else { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw .configuration("\(path):\(index + 1): expected key = value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let comment = value.range(of: " #") ?? value.range(of: " ;") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            sections[current]![key] = value
        }
        return sections
    }
}
