import CSQLite

/// One SQLite connection. Owns its `sqlite3*` (closed in `deinit`) and a
/// cache of prepared statements keyed by SQL text, so each statement is
/// prepared once per connection. Not `Sendable`: a connection lives inside a
/// `ConfinedConnection` and is only touched by the thread holding its lock.
final class Connection {
    private let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    /// The update hook's state (`install(_:)`), kept alive with the handle.
    private(set) var changeWatch: ChangeWatch?

    init(path: String, readOnly: Bool) throws(StoreError) {
        var connection: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map(Self.message) ?? "out of memory"
            sqlite3_close_v2(connection)
            throw StoreError.database(code: code, message: "cannot open database: \(message)")
        }
        handle = connection
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        statements.removeAll()
        sqlite3_update_hook(handle, nil, nil)
        sqlite3_close_v2(handle)
    }

    /// Installs `watch` as this connection's update hook. The connection
    /// keeps it alive (SQLite holds only an unretained pointer to it).
    func install(_ watch: ChangeWatch) {
        changeWatch = watch
        sqlite3_update_hook(handle, { context, _, _, table, _ in
            guard let context, let table else { return }
            Unmanaged<ChangeWatch>.fromOpaque(context).takeUnretainedValue().note(table)
        }, Unmanaged.passUnretained(watch).toOpaque())
    }

    static func message(_ connection: OpaquePointer) -> String { String(cString: sqlite3_errmsg(connection)) }

    /// Runs one or more statements without parameters (schema, pragmas).
    func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else {
            throw StoreError.database(code: code, message: "\(Self.message(handle)) in: \(sql.prefix(120))")
        }
    }

    private func statement(_ sql: String) throws(StoreError) -> Statement {
        if let cached = statements[sql] { return cached }
        let statement = try Statement(connection: handle, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows; returns the number of changed rows.
    @discardableResult
    func run(_ sql: String, _ values: [any SQLBindable] = []) throws(StoreError) -> Int {
        let statement = try statement(sql)
        try statement.bind(values)
        defer { statement.reset() }
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps every row.
    func rows<T>(_ sql: String, _ values: [any SQLBindable] = [], _ map: (Row) throws(StoreError) -> T) throws(StoreError) -> [T] {
        let statement = try statement(sql)
        try statement.bind(values)
        defer { statement.reset() }
        var result: [T] = []
        while try statement.step() { result.append(try map(Row(statement))) }
        return result
    }

    /// The first row of a query, mapped, or nil.
    func row<T>(_ sql: String, _ values: [any SQLBindable] = [], _ map: (Row) throws(StoreError) -> T) throws(StoreError) -> T? {
        let statement = try statement(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() ? try map(Row(statement)) : nil
    }

    /// A single integer (COUNT, SUM, a pragma), 0 when the query yields NULL or nothing.
    func integer(_ sql: String, _ values: [any SQLBindable] = []) throws(StoreError) -> Int64 {
        try row(sql, values) { $0.int64(0) } ?? 0
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a transaction that commits when it returns and rolls
    /// back when it throws. `immediate` takes the write lock up front (the
    /// writer always does, so two writers never deadlock upgrading).
    func transaction<T>(immediate: Bool, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
