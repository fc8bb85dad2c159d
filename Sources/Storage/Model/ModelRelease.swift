import Foundation

/// Which numbered versions of a model serve traffic: the stable one, and at most one canary
/// with its share. Kept in the shared store, so every replica, a restarted server and
/// `magpie models` see the same release.
public struct ModelRelease: Sendable, Codable, Equatable {
    public var model: String
    public var stable: Int
    public var canary: Canary?
    /// The stable versions before this one, most recent last, for `magpie models rollback`.
    public var previousStables: [Int]
    /// Bumped by every write. A write names the revision it read, so of two replicas deciding
    /// at once only one wins, and the other reads the new state.
    public var revision: Int
    /// The most recent decisions, oldest first, at most `decisionLimit`.
    public var decisions: [ReleaseDecision]
    /// Every dataset retraining has taken up, by its SHA-256: the same file twice makes one
    /// version, and a claim shows which process is training it.
    public var datasets: [String: DatasetRecord]

    public static let decisionLimit = 50

    /// A dataset retraining took up, and what came of it.
    public struct DatasetRecord: Sendable, Codable, Equatable {
        public enum Status: String, Sendable, Codable {
            case training, published, rejected
        }

        /// The file's name in its source.
        public var name: String
        public var status: Status
        public var at: Date
        /// `HOST:PID` of the process training it, while `training`.
        public var owner: String?
        /// The version it became, when `published`.
        public var version: Int?
        /// Why it was rejected, when `rejected`.
        public var reason: String?
        public var figures: [String: Double]

        public init(
            name: String, status: Status, at: Date, owner: String? = nil, version: Int? = nil, reason: String? = nil,
            figures: [String: Double] = [:]
        ) {
            self.name = name
            self.status = status
            self.at = at
            self.owner = owner
            self.version = version
            self.reason = reason
            self.figures = figures
        }
    }

    public struct Canary: Sendable, Codable, Equatable {
        public var version: Int
        /// Percent of requests (of API keys, since traffic is sticky per key), 1–100.
        public var weight: Int
        /// When the current step began: its analysis window starts here.
        public var stepStartedAt: Date

        public init(version: Int, weight: Int, stepStartedAt: Date) {
            self.version = version
            self.weight = weight
            self.stepStartedAt = stepStartedAt
        }
    }

    public init(model: String, stable: Int) {
        self.model = model
        self.stable = stable
        self.previousStables = []
        self.revision = 0
        self.decisions = []
        self.datasets = [:]
    }

    /// Releases written before retraining have no `datasets`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        stable = try container.decode(Int.self, forKey: .stable)
        canary = try container.decodeIfPresent(Canary.self, forKey: .canary)
        previousStables = try container.decode([Int].self, forKey: .previousStables)
        revision = try container.decode(Int.self, forKey: .revision)
        decisions = try container.decode([ReleaseDecision].self, forKey: .decisions)
        datasets = try container.decodeIfPresent([String: DatasetRecord].self, forKey: .datasets) ?? [:]
    }

    /// Appends `decision`, dropping the oldest beyond `decisionLimit`.
    public mutating func record(_ decision: ReleaseDecision) {
        decisions.append(decision)
        if decisions.count > Self.decisionLimit { decisions.removeFirst(decisions.count - Self.decisionLimit) }
    }

    /// Makes `version` stable, ending any canary.
    public mutating func makeStable(_ version: Int) {
        if version != stable { previousStables = Array((previousStables + [stable]).suffix(20)) }
        stable = version
        canary = nil
    }
}

/// A change of a release, with the figures that justified it.
public struct ReleaseDecision: Sendable, Codable, Equatable {
    public enum Action: String, Sendable, Codable {
        case canaryStarted = "canary_started"
        case steppedUp = "stepped_up"
        case promoted
        case rolledBack = "rolled_back"
    }

    public var at: Date
    public var action: Action
    public var version: Int
    /// False for a person's command, true for the canary analysis.
    public var automatic: Bool
    public var reason: String
    /// The figures the analysis compared (`canary_error_rate`, `p99_ratio`, …).
    public var figures: [String: Double]

    public init(
        at: Date, action: Action, version: Int, automatic: Bool, reason: String, figures: [String: Double] = [:]
    ) {
        self.at = at
        self.action = action
        self.version = version
        self.automatic = automatic
        self.reason = reason
        self.figures = figures
    }
}

extension ModelRelease {
    /// The stored form: JSON, since the release is read once a second, not per request.
    package func encoded() throws(StorageError) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            throw .database("cannot encode the release of \(model): \(error)")
        }
    }

    package static func decoded(_ text: String) throws(StorageError) -> ModelRelease {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(ModelRelease.self, from: Data(text.utf8))
        } catch {
            throw .database("a stored model release is unreadable: \(error)")
        }
    }
}
