import Foundation
import Host
import Marketplace
import Synchronization

/// The data API backtests replay: the bundled datasets (every `.csv` file
/// beside the sample, read once per process as the platform starts, before
/// any request, and kept) and each user's own (in the store, parsed on a
/// Dispatch thread when a run names one). Bars are read with the default
/// instrument precision (2 price decimals, 8 quantity decimals).
final class BacktestDatasets: Sendable {
    let store: MarketplaceStore
    /// The dataset a request that names none runs on: the sample's.
    let defaultName: String
    /// The bundled datasets by name, sorted.
    let bundled: [String: (BacktestDataset, [Bar])]
    let bundledNames: [String]
    /// Bundled files already read in this process, by path: every platform
    /// in the process (tests start many) shares them.
    private static let loaded = Mutex<[String: (BacktestDataset, [Bar])]>([:])

    /// Reads the bundled files (synchronously: called as the platform
    /// starts). A file that does not parse is left out.
    init(store: MarketplaceStore, samplePath: String) {
        self.store = store
        let sample = URL(fileURLWithPath: samplePath)
        let folder = sample.deletingLastPathComponent()
        defaultName = sample.deletingPathExtension().lastPathComponent
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var bundled: [String: (BacktestDataset, [Bar])] = [:]
        for file in files where file.hasSuffix(".csv") {
            let name = String(file.dropLast(4))
            if let entry = Self.load(folder.appendingPathComponent(file), name: name) { bundled[name] = entry }
        }
        self.bundled = bundled
        bundledNames = bundled.keys.sorted()
    }

    /// The bundled datasets, then `owner`'s, each by name.
    func list(owner: UserID) async throws -> [BacktestDataset] {
        bundledNames.compactMap { bundled[$0]?.0 } + (try await store.read { try $0.datasets(of: owner) })
    }

    /// A bundled dataset or one of `owner`'s, without its bars; nil when neither has that name.
    func dataset(named name: String, owner: UserID) async throws -> BacktestDataset? {
        if let entry = bundled[name] { return entry.0 }
        return try await store.read { try $0.datasets(of: owner) }.first { $0.name == name }
    }

    /// A bundled dataset or one of `owner`'s, with its bars; nil when neither has that name.
    func bars(named name: String, owner: UserID) async throws -> (BacktestDataset, [Bar])? {
        if let entry = bundled[name] { return entry }
        guard let (dataset, csv) = try await store.read({ try $0.dataset(named: name, owner: owner) }) else { return nil }
        return try await offloadThrowing {
            (dataset, try BarCSV.parse(csv, instrument: Instrument(symbol: dataset.symbol)))
        }
    }

    private static func load(_ file: URL, name: String) -> (BacktestDataset, [Bar])? {
        if let cached = loaded.withLock({ $0[file.path] }) { return cached }
        guard let data = try? Data(contentsOf: file) else { return nil }
        let symbol = symbol(of: name)
        guard let bars = try? BarCSV.parse(String(decoding: data, as: UTF8.self), instrument: Instrument(symbol: symbol)) else { return nil }
        let entry = (BacktestDataset(name: name, symbol: symbol, bundled: true, csv: data, bars: bars), bars)
        loaded.withLock { $0[file.path] = entry }
        return entry
    }

    /// The symbol a bundled file's name carries (`sample-ethusd-1h` → ETHUSD), else the default.
    static func symbol(of name: String) -> String {
        let parts = name.split(separator: "-")
        guard parts.count >= 3, parts[1].allSatisfy({ $0.isLetter && $0.isASCII }) else { return BacktestSettings.defaultSymbol }
        return parts[1].uppercased()
    }
}
