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

extension TestPaths {
    /// The `lunar` executable `swift build --build-tests` put beside the test
    /// bundle (worker processes run it).
    public static var lunarExecutable: String {
        let current = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: current).deletingLastPathComponent()
        // On platforms where the test bundle is a directory, climb out of it.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents"
                || directory.lastPathComponent == "MacOS" {
            directory.deleteLastPathComponent()
        }
        let sibling = directory.appendingPathComponent("lunar").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        return root.appendingPathComponent(".build/debug/lunar").path
    }
}

extension TestPaths {
    /// A hostile script fixture of the sandbox suite (one attack per file),
    /// for suites that run the same attack through the kernel.
    public static func hostileFixture(_ name: String) -> URL {
        root.appendingPathComponent("Tests/SandboxTests/Fixtures/hostile/\(name)")
    }
}
