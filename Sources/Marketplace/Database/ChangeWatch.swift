import CSQLite

/// Notes which groups of watched tables a statement on one connection
/// changed, through SQLite's update hook (which sees every row a statement,
/// trigger or cascade inserts, updates or deletes in a rowid table).
///
/// Owned by the `Connection` it is installed on and confined like it: the
/// hook runs on the thread that steps the statement, which holds the
/// connection's lock.
final class ChangeWatch {
    /// Each group's table names as SQLite reports them (the name in the
    /// schema); group `i` is bit `i` of `changed`.
    private let groups: [Set<String>]
    private let all: UInt32
    private(set) var changed: UInt32 = 0

    init(groups: [Set<String>]) {
        precondition(groups.count <= 32)
        self.groups = groups
        all = groups.isEmpty ? 0 : UInt32.max >> (32 - groups.count)
    }

    /// Called by the hook once per changed row; converts the name only
    /// until every group has seen a change.
    func note(_ table: UnsafePointer<CChar>) {
        guard changed != all else { return }
        let name = String(cString: table)
        for (bit, tables) in groups.enumerated() where tables.contains(name) { changed |= 1 << UInt32(bit) }
    }

    /// The groups changed since the last call (bit `i`: group `i`); starts over.
    func take() -> UInt32 {
        defer { changed = 0 }
        return changed
    }
}
