import Foundation
import Host
import Marketplace

/// Users' own datasets: uploaded as CSV text, checked whole (a bad line is
/// refused naming it, `csv.line.N`), stored per user, deleted by name.
extension BacktestJobs {
    /// The bounds of one upload and of each user's collection.
    public enum DatasetLimits {
        /// The largest upload body (the CSV inside its JSON), 20 MiB.
        public static let maximumBytes = 20 << 20
        /// Bars one dataset may hold.
        public static let maximumRows = 500_000
        /// Datasets one user may keep.
        public static let perUser = 5
    }

    /// Checks `csv` and stores it as `owner`'s dataset `name`, traded as
    /// `symbol` unless a backtest names another. Refused with
    /// `BacktestSettingsError` naming `name`, `symbol`, `csv` or
    /// `csv.line.N`; with `StoreError.duplicate` when the name is taken (by
    /// a bundled dataset or one of `owner`'s), `quotaExceeded` past
    /// `DatasetLimits.perUser`.
    public func uploadDataset(owner: UserID, name: String, symbol: String?, csv: String) async throws -> BacktestDataset {
        try Self.checkDatasetName(name)
        let symbol = symbol ?? BacktestSettings.defaultSymbol
        try BacktestSettings.checkSymbol(symbol)
        guard datasets.bundled[name] == nil else { throw StoreError.duplicate(field: "name") }
        let dataset = try await offloadThrowing { try Self.parse(csv, name: name, symbol: symbol) }
        return try await store.write { store in
            try store.createDataset(owner: owner, dataset, csv: csv, maximumPerUser: DatasetLimits.perUser)
        }
    }

    /// Deletes one of `owner`'s datasets; false when `owner` has none by that name.
    public func deleteDataset(named name: String, owner: UserID) async throws -> Bool {
        try await store.write { try $0.deleteDataset(named: name, owner: owner) }
    }

    /// A dataset name: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit.
    static func checkDatasetName(_ name: String) throws(BacktestSettingsError) {
        let bytes = Array(name.utf8)
        func allowed(_ byte: UInt8) -> Bool {
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || [45, 46, 95].contains(byte)
        }
        guard (1...64).contains(bytes.count), bytes.allSatisfy(allowed), bytes[0] != 45, bytes[0] != 46, bytes[0] != 95 else {
            throw BacktestSettingsError(field: "name", issue: "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
    }

    /// Reads `csv` whole, on a Dispatch thread: the row limit first (by
    /// counting lines, before parsing), then every line.
    static func parse(_ csv: String, name: String, symbol: String) throws -> BacktestDataset {
        let data = Data(csv.utf8)
        let lines = data.reduce(into: 0) { count, byte in if byte == 10 { count += 1 } }
        guard lines <= DatasetLimits.maximumRows + 1 else {
            throw BacktestSettingsError(field: "csv", issue: "has more than \(DatasetLimits.maximumRows) rows")
        }
        let bars: [Bar]
        do throws(BarFileError) {
            bars = try BarCSV.parse(csv, instrument: Instrument(symbol: symbol))
        } catch {
            switch error {
            case .malformedLine(let line, let reason): throw BacktestSettingsError(field: "csv.line.\(line)", issue: reason)
            case .outOfOrder(let line): throw BacktestSettingsError(field: "csv.line.\(line)", issue: "time is earlier than the previous bar's")
            case .missingHeader: throw BacktestSettingsError(field: "csv.line.1", issue: "must be a header naming time,open,high,low,close,volume")
            case .empty, .unreadable: throw BacktestSettingsError(field: "csv", issue: "holds no bars")
            }
        }
        guard !bars.isEmpty else { throw BacktestSettingsError(field: "csv", issue: "holds no bars") }
        guard bars.count <= DatasetLimits.maximumRows else {
            throw BacktestSettingsError(field: "csv", issue: "has more than \(DatasetLimits.maximumRows) rows")
        }
        return BacktestDataset(name: name, symbol: symbol, bundled: false, csv: data, bars: bars)
    }
}
