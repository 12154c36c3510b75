import Foundation
import Testing
import TestSupport
@testable import Gateway

/// The web console's files over HTTP (docs/console.md): `/` and `/console/…`
/// with the Content-Security-Policy, only files of the folder, revalidation
/// by ETag; the vendored files match their pinned checksums.
@Suite struct ConsoleRouteTests {
    static let folder = TestPaths.root.appendingPathComponent("console").path

    @Test func theConsoleIsServedWithItsPolicy() async throws {
        let fixture = try await GatewayFixture { $0.consoleDirectory = Self.folder }
        try await fixture.run { api in
            let index = try await api.call(.get, "/")
            #expect(index.status == 200 && index.header("Content-Type")?.hasPrefix("text/html") == true && index.text.contains("/console/js/app.js"))
            let policy = try #require(index.header("Content-Security-Policy"))
            for directive in ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
                #expect(policy.contains(directive), "\(directive) in \(policy)")
            }
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            #expect(index.header("X-Content-Type-Options") == "nosniff" && index.header("Cache-Control") == "no-cache")
            // No inline script anywhere in the page: every script is a file of this origin.
            let scripts = index.text.components(separatedBy: "<script").dropFirst()
            #expect(scripts.count == 2 && scripts.allSatisfy { $0.prefix(while: { $0 != ">" }).contains("src=\"/console/") })
            #expect(!index.text.contains("onclick=") && !index.text.contains("onload="))

            let app = try await api.call(.get, "/console/js/app.js")
            #expect(app.status == 200 && app.header("Content-Type")?.hasPrefix("text/javascript") == true && app.text.contains("import"))
            let etag = try #require(app.header("ETag"))
            #expect(try await api.call(.get, "/console/js/app.js", headers: ["If-None-Match": etag]).status == 304)
            let vendor = try await api.call(.get, "/console/vendor/lightweight-charts-4.1.3/lightweight-charts.standalone.js")
            #expect(vendor.status == 200 && vendor.header("Cache-Control")?.contains("immutable") == true)
            #expect(try await api.call(.get, "/console/vendor/codemirror-5.65.0/LICENSE").status == 200)

            for missing in ["/console/nothing.js", "/console/../Package.swift", "/console/%2e%2e/Package.swift", "/console/js/../../Makefile",
                            "/console/", "/console/js"] {
                let reply = try await api.call(.get, missing)
                #expect(reply.status == 404 && !reply.text.contains("PackageDescription"), "\(missing): \(reply.status)")
            }
            // The API is untouched.
            #expect(try await api.call(.get, "/api/health").status == 200)
        }
    }

    @Test func withoutAFolderThereIsNoConsole() async throws {
        let fixture = try await GatewayFixture { $0.consoleDirectory = nil }
        try await fixture.run { api async throws in
            #expect(try await api.call(.get, "/").status == 404)
            #expect(try await api.call(.get, "/console/js/app.js").status == 404)
        }
    }

    /// Every vendored file is the one `scripts/vendor-console.sh` pinned, and they stay under the weight budget.
    @Test func theVendoredFilesMatchTheirChecksums() throws {
        let vendor = URL(fileURLWithPath: Self.folder).appendingPathComponent("vendor")
        let lines = try String(contentsOf: vendor.appendingPathComponent("CHECKSUMS"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        var javascript = 0
        for line in lines {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let path = String(parts[1])
            let data = try Data(contentsOf: vendor.appendingPathComponent(path))
            #expect(SHA256Hex.of(data) == String(parts[0]), "\(path)")
            if path.hasSuffix(".js") { javascript += data.count }
        }
        #expect(javascript < 600 * 1_024, "\(javascript) bytes of vendored JavaScript")
    }
}

import Crypto

enum SHA256Hex {
    static func of(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
}
