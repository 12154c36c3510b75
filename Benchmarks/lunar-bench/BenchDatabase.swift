import CSQLite

/// A raw SQLite connection for seeding benchmark data (the store's own
/// connection types are internal). Owns its handle and statements.
final class BenchDatabase {
    enum Value { case integer(Int64), real(Double), text(String) }

    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        let message: String
        var description: String { "SQLite \(code): \(message)" }
    }

    final class Statement {
        private let handle: OpaquePointer
        init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { sqlite3_finalize(handle) }

        func firstInteger() throws -> Int {
            guard sqlite3_step(handle) == SQLITE_ROW else { throw Failure(code: 0, message: "no row") }
            return Int(sqlite3_column_int64(handle, 0))
        }

        func run(_ values: [Value]) throws {
            sqlite3_reset(handle)
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                switch value {
                case .integer(let integer): sqlite3_bind_int64(handle, index, integer)
                case .real(let real): sqlite3_bind_double(handle, index, real)
                case .text(let text): csqlite_bind_text_transient(handle, index, text, -1)
                }
            }
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else { throw Failure(code: code, message: "step failed") }
        }
    }

    private let handle: OpaquePointer

    init(path: String) throws {
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE, nil)
        guard code == SQLITE_OK, let connection else { throw Failure(code: code, message: "cannot open \(path)") }
        handle = connection
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw Failure(code: code, message: String(cString: sqlite3_errmsg(handle))) }
    }

    func count(_ sql: String) throws -> Int {
        let statement = try prepare(sql)
        return try statement.firstInteger()
    }

    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw Failure(code: code, message: String(cString: sqlite3_errmsg(handle))) }
        return Statement(statement)
    }
}
