import Foundation

/// What wakes the training function: S3 `ObjectCreated` notifications for new datasets, or an
/// EventBridge schedule that looks for datasets a running canary had kept waiting.
public enum DatasetEvent: Sendable, Equatable {
    /// Objects created, as (bucket, key) with keys decoded.
    case objectsCreated([S3Object])
    case scheduled

    public struct S3Object: Sendable, Equatable {
        public var bucket: String
        public var key: String

        public init(bucket: String, key: String) {
            self.bucket = bucket
            self.key = key
        }
    }

    /// Reads an S3 notification (`Records` of `aws:s3` events) or a scheduled event.
    public static func parse(_ bytes: [UInt8]) throws(FunctionError) -> DatasetEvent {
        struct Notification: Decodable {
            struct Record: Decodable {
                struct Entity: Decodable {
                    struct Bucket: Decodable { var name: String }
                    struct Object: Decodable { var key: String }
                    var bucket: Bucket
                    var object: Object
                }
                var eventSource: String?
                var eventName: String?
                var s3: Entity?
            }
            var records: [Record]?
            var source: String?

            enum CodingKeys: String, CodingKey {
                case records = "Records"
                case source
            }
        }
        let notification: Notification
        do {
            notification = try JSONDecoder().decode(Notification.self, from: Data(bytes))
        } catch {
            throw FunctionError(
                type: "Magpie.InvalidEvent", message: "the training function takes S3 notifications or scheduled events: \(error)"
            )
        }
        if notification.source == "aws.events" { return .scheduled }
        guard let records = notification.records else {
            throw FunctionError(
                type: "Magpie.InvalidEvent", message: "the event has neither S3 Records nor source aws.events")
        }
        var objects: [S3Object] = []
        for record in records where record.eventSource == "aws:s3" && record.eventName?.hasPrefix("ObjectCreated") == true {
            guard let entity = record.s3 else { continue }
            objects.append(S3Object(bucket: entity.bucket.name, key: decodeKey(entity.object.key)))
        }
        return .objectsCreated(objects)
    }

    /// S3 notifications carry keys form-encoded: `+` for a space, `%XX` for other bytes.
    static func decodeKey(_ key: String) -> String {
        key.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? key
    }
}
