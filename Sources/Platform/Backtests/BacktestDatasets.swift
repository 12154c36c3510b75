import Foundation
import Host
import Marketplace
import Synchronization

/// The data API backtests replay: the bundled datasets (every `.csv` file
/// beside the sample, read once on first use and kept) and each user's own
/// (in the store). Bars are read with the default instrument precision
/// (2 price decimals, 8 quantity decimals).
final class BacktestDatasets: Sendable {
    let store: MarketplaceStore
    let folder: URL
    /// The dataset a request that names none runs on: the sample's.
    let defaultName: String
    private let loaded = Mutex<[String: (BacktestDataset, [Bar])]>([:])

    init(store: MarketplaceStore, samplePath: String) {
        self.store = store
        let sample = URL(fileURLWithPath: samplePath)
        folder = sample.deletingLastPathComponent()
        defaultName = sample.deletingPathExtension().lastPathComponent
    }

    /// The names of the bundled datasets, sorted (file names without `.csv`).
    var bundledNames: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// The bundled datasets, then `owner`'s, each by name.
    func list(owner: UserID) async throws -> [BacktestDataset] {
        let shipped = try await offloadThrowing { [self] in try bundledNames.compactMap { try bundled($0)?.0 } }
        return shipped + (try await store.read { try $0.datasets(of: owner) })
    }

    /// A bundled dataset or one of `owner`'s, without its bars; nil when neither has that name.
    func dataset(named name: String, owner: UserID) async throws -> BacktestDataset? {
        if bundledNames.contains(name) { return try await offloadThrowing { [self] in try bundled(name)?.0 } }
        return try await store.read { try $0.datasets(of: owner) }.first { $0.name == name }
    }

    /// A bundled dataset or one of `owner`'s, with its bars; nil when neither has that name.
    func bars(named name: String, owner: UserID) async throws -> (BacktestDataset, [Bar])? {
        if bundledNames.contains(name) { return try await offloadThrowing { [self] in try bundled(name) } }
        guard let (dataset, csv) = try await store.read({ try $0.dataset(named: name, owner: owner) }) else { return nil }
        return try await offloadThrowing {
            (dataset, try BarCSV.parse(csv, instrument: Instrument(symbol: dataset.symbol)))
        }
    }

    /// Runs on a Dispatch thread (it may read and parse a file).
    private func bundled(_ name: String) throws -> (BacktestDataset, [Bar])? {
        guard bundledNames.contains(name) else { return nil }
        if let cached = loaded.withLock({ $0[name] }) { return cached }
        let data = try Data(contentsOf: folder.appendingPathComponent(name + ".csv"))
        let symbol = Self.symbol(of: name)
        let bars = try BarCSV.parse(String(decoding: data, as: UTF8.self), instrument: Instrument(symbol: symbol))
        let entry = (BacktestDataset(name: name, symbol: symbol, bundled: true, csv: data, bars: bars), bars)
        loaded.withLock { $0[name] = entry }
        return entry
    }

    /// The symbol a bundled file's name carries (`sample-ethusd-1h` → ETHUSD), else the default.
    static func symbol(of name: String) -> String {
        let parts = name.split(separator: "-")
        guard parts.count >= 3, parts[1].allSatisfy({ $0.isLetter && $0.isASCII }) else { return BacktestSettings.defaultSymbol }
        return parts[1].uppercased()
    }
}
