import CSQLite

/// One prepared statement. Owns its `sqlite3_stmt*` and finalizes it in
/// `deinit`; confined, like its connection, to the thread holding that
/// connection's lock (not `Sendable`).
final class Statement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    let sql: String

    init(connection: OpaquePointer, sql: String) throws(StoreError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw StoreError.database(code: code, message: Connection.message(connection) + " in: \(sql.prefix(120))")
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears the previous run and binds `values` to parameters 1...n.
    func bind(_ values: [any SQLBindable]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.sqlValue {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let integer): code = sqlite3_bind_int64(handle, index, integer)
            case .real(let real): code = sqlite3_bind_double(handle, index, real)
            case .text(let text): code = csqlite_bind_text_transient(handle, index, text, -1)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { csqlite_bind_blob_transient(handle, index, $0.baseAddress, Int32($0.count)) }
            }
            // The message names the parameter index only, never the value.
            guard code == SQLITE_OK else { throw StoreError.database(code: code, message: "binding parameter \(index) of: \(sql.prefix(120))") }
        }
    }

    /// Advances; `true` when a row is available.
    func step() throws(StoreError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = Connection.message(connection)
            sqlite3_reset(handle)
            throw StoreError.database(code: code, message: "\(message) in: \(sql.prefix(120))")
        }
    }

    /// Releases the statement's read lock so the cached statement can idle.
    func reset() { sqlite3_reset(handle) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: pointer)
    }
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}

/// The current row of a statement, valid only inside the closure it is passed to.
struct Row {
    fileprivate let statement: Statement
    init(_ statement: Statement) { self.statement = statement }

    func int64(_ column: Int32) -> Int64 { statement.int64(column) }
    func int(_ column: Int32) -> Int { Int(statement.int64(column)) }
    func bool(_ column: Int32) -> Bool { statement.int64(column) != 0 }
    func double(_ column: Int32) -> Double { statement.double(column) }
    func text(_ column: Int32) -> String { statement.text(column) }
    func blob(_ column: Int32) -> [UInt8] { statement.blob(column) }
    func optionalInt64(_ column: Int32) -> Int64? { statement.isNull(column) ? nil : statement.int64(column) }
    func optionalDouble(_ column: Int32) -> Double? { statement.isNull(column) ? nil : statement.double(column) }
    func optionalText(_ column: Int32) -> String? { statement.isNull(column) ? nil : statement.text(column) }
    func id<Entity>(_ column: Int32) -> Identifier<Entity> { Identifier(statement.int64(column)) }
    func optionalID<Entity>(_ column: Int32) -> Identifier<Entity>? { optionalInt64(column).map(Identifier.init) }
}
