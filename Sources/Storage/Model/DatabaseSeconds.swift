import Foundation

/// Every backend stores instants as seconds since 1970 in a double: one form to read and
/// compare across SQLite, PostgreSQL and DynamoDB.
extension Date {
    package var databaseSeconds: Double { timeIntervalSince1970 }
    package init(databaseSeconds: Double) { self.init(timeIntervalSince1970: databaseSeconds) }
}
