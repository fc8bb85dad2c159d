import ArgumentParser
import Foundation
import ModelRuntime
import Releases
import Storage

/// `magpie models`: the versions on disk and their release in the shared store, and the
/// changes a person makes to it. A running server applies a change within a second.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List model versions and manage releases: canary, promote, roll back.",
        subcommands: [List.self, Show.self, Canary.self, Promote.self, Rollback.self]
    )

    /// The options every subcommand shares: the store, and where the versions are.
    struct Location: ParsableArguments {
        @OptionGroup var databaseOptions: DatabaseOptions
        @Option(help: "The folder of model folders, each holding numbered versions (default models).")
        var models = "models"

        /// The versions of each model under `models`, oldest first.
        func versions() throws -> [String: [Int]] {
            guard FileManager.default.fileExists(atPath: models) else {
                throw ValidationError("--models \(models): no such folder")
            }
            var versions: [String: [Int]] = [:]
            for entry in try ModelCatalog.discover(in: models) {
                versions[entry.deployment.name, default: []].append(entry.deployment.version ?? 1)
            }
            return versions.mapValues { $0.sorted() }
        }

        func versions(of model: String) throws -> [Int] {
            let all = try versions()
            guard let versions = all[model] else {
                throw ValidationError(ReleaseError.unknownModel(model, known: all.keys.sorted()).description)
            }
            return versions
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each model's versions, stable version and canary.")

        @OptionGroup var location: Location

        func run() async throws {
            let versions = try location.versions()
            let releases = try await location.databaseOptions.withStore { try await $0.releases() }
            let byModel = Dictionary(uniqueKeysWithValues: releases.map { ($0.model, $0) })
            let rows = versions.keys.sorted().map { model in
                let release = byModel[model]
                return [
                    model, versions[model]!.map(String.init).joined(separator: ", "),
                    release.map { String($0.stable) } ?? "\(versions[model]!.last!) (not yet served)",
                    release?.canary.map { "\($0.version) at \($0.weight)%" } ?? "-",
                    release?.decisions.last.map { "\($0.action.rawValue) \($0.version)" } ?? "-",
                ]
            }
            print(TextTable.render(header: ["model", "versions", "stable", "canary", "last decision"], rows: rows))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A model's versions, release and decisions with their figures.")

        @OptionGroup var location: Location
        @Argument(help: "The model's name.") var name: String

        func run() async throws {
            let versions = try location.versions(of: name)
            let release = try await location.databaseOptions.withStore { try await $0.release(of: name) }
            print("model:    \(name)")
            print("versions: \(versions.map(String.init).joined(separator: ", "))")
            guard let release else {
                print("stable:   \(versions.last!) (no release recorded yet; the first server to start records it)")
                return
            }
            print("stable:   \(release.stable)")
            if let canary = release.canary {
                print("canary:   \(canary.version) at \(canary.weight)% since \(canary.stepStartedAt.formatted(.iso8601))")
            }
            guard !release.decisions.isEmpty else { return }
            print("")
            let rows = release.decisions.reversed().map { decision in
                [
                    decision.at.formatted(.iso8601), decision.action.rawValue, String(decision.version),
                    decision.automatic ? "analysis" : "by hand", decision.reason,
                    decision.figures.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.format($0.value))" }.joined(
                        separator: " "),
                ]
            }
            print(TextTable.render(header: ["at", "decision", "version", "by", "reason", "figures"], rows: rows))
        }

        static func format(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.4g", value)
        }
    }

    struct Canary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a version as the canary: it gets WEIGHT% of API keys until the analysis promotes or rolls it back.")

        @OptionGroup var location: Location
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version to try.") var version: Int
        @Option(help: "Percent of API keys that get the canary (1–100).") var weight = 10

        func run() async throws {
            let versions = try location.versions(of: name)
            let release = try await location.databaseOptions.withStore {
                try await $0.startCanary(model: name, version: version, weight: weight, versions: versions)
            }
            print("\(name): version \(version) is the canary at \(weight)%; stable is \(release.stable).")
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version stable at once, ending any canary.")

        @OptionGroup var location: Location
        @Argument(help: "The model's name.") var name: String
        @Argument(help: "The version to make stable.") var version: Int

        func run() async throws {
            let versions = try location.versions(of: name)
            _ = try await location.databaseOptions.withStore {
                try await $0.promote(model: name, version: version, versions: versions)
            }
            print("\(name): version \(version) is stable.")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End the canary; without one, return to the previous stable version.")

        @OptionGroup var location: Location
        @Argument(help: "The model's name.") var name: String

        func run() async throws {
            let versions = try location.versions(of: name)
            let release = try await location.databaseOptions.withStore {
                try await $0.rollBack(model: name, versions: versions)
            }
            print("\(name): stable is version \(release.stable); no canary.")
        }
    }
}
