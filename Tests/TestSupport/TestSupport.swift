import Foundation

/// Shared helpers for the test targets: paths to committed fixtures and data.
public enum TestPaths {
    /// The package root, found from this file's location.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func strategy(_ name: String) -> URL { root.appendingPathComponent("strategies/\(name)") }
    public static func data(_ name: String) -> URL { root.appendingPathComponent("data/\(name)") }

    public static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
}
