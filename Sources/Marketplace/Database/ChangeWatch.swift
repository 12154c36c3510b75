import CSQLite

/// Notes whether a statement on one connection changed a row of a watched
/// table, through SQLite's update hook (which sees every row a statement,
/// trigger or cascade inserts, updates or deletes in a rowid table).
///
/// Owned by the `Connection` it is installed on and confined like it: the
/// hook runs on the thread that steps the statement, which holds the
/// connection's lock.
final class ChangeWatch {
    /// Table names as SQLite reports them (the name in the schema).
    private let tables: Set<String>
    private(set) var changed = false

    init(tables: Set<String>) { self.tables = tables }

    /// Called by the hook once per changed row; converts the name only
    /// until the first watched change.
    func note(_ table: UnsafePointer<CChar>) {
        guard !changed else { return }
        changed = tables.contains(String(cString: table))
    }

    /// Whether a watched table changed since the last call; starts over.
    func take() -> Bool {
        defer { changed = false }
        return changed
    }
}
