import GRDB
import GRDBSQLite
import Storage

/// A value bound to a statement parameter.
enum BoundValue {
    case text(String)
    case real(Double)
    case integer(Int)
}

/// `SQLITE_TRANSIENT`, a C macro Swift does not import: SQLite copies the bound text.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Statement {
    /// Binds `values`, steps once and reads the first row with `read`; nil when there is none.
    ///
    /// Straight through SQLite's C API: a quota commit runs two one-row statements per request,
    /// and GRDB's argument checks, cursor and row objects around them cost as much as SQLite's
    /// own work. A statement with `RETURNING` has made all its changes by its first step.
    func firstRow<Value>(binding values: [BoundValue], in db: Database, _ read: (SQLiteStatement) -> Value) throws -> Value? {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 =
                switch value {
                case .text(let text): sqlite3_bind_text(handle, index, text, -1, transient)
                case .real(let number): sqlite3_bind_double(handle, index, number)
                case .integer(let number): sqlite3_bind_int64(handle, index, Int64(number))
                }
            guard code == SQLITE_OK else { throw error(code, in: db) }
        }
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return read(handle)
        case SQLITE_DONE: return nil
        case let code: throw error(code, in: db)
        }
    }

    private func error(_ code: Int32, in db: Database) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
    }
}
