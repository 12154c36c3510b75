import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The web console's files (docs/console.md): read once, at the first
/// request for one, from `GatewayConfiguration.consoleDirectory` (a Gateway
/// that never serves the console never reads them), and served at `/`
/// (`index.html`) and `/console/<path>`. Only files of the known types are
/// served, by exact path: nothing outside the folder can be named. Every
/// answer carries the console's Content-Security-Policy (scripts, styles
/// and connections from this origin only; no inline script, no eval) and
/// an ETag; the versioned vendor folders are cached for a year.
struct ConsoleFiles: Sendable {
    struct File: Sendable {
        var body: ByteBuffer
        var type: String
        var etag: String
    }

    static let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
                        "json": "application/json", "svg": "image/svg+xml", "png": "image/png", "txt": "text/plain; charset=utf-8"]
    /// `connect-src 'self'` covers the same origin's `ws:`/`wss:` (CSP Level 3).
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    private let directory: String?
    private let loaded: Loaded

    /// The folder's files, read on first use.
    private final class Loaded: Sendable {
        let files: Mutex<[String: File]?> = Mutex(nil)
    }

    /// Serves `directory` (none when it is nil or has no `index.html`: `/` is then a 404).
    init(directory: String?) {
        let present = directory.map { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("index.html")) } ?? false
        self.directory = present ? directory : nil
        loaded = Loaded()
    }

    var isEmpty: Bool { directory == nil }

    var files: [String: File] {
        loaded.files.withLock { files in
            if let files { return files }
            let read = Self.read(directory)
            files = read
            return read
        }
    }

    private static func read(_ directory: String?) -> [String: File] {
        guard let directory, let walker = FileManager.default.enumerator(atPath: directory) else { return [:] }
        var files: [String: File] = [:]
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let ext = (name as NSString).pathExtension.lowercased()
            let type = Self.types[ext] ?? (name == "LICENSE" || name == "CHECKSUMS" ? "text/plain; charset=utf-8" : nil)
            guard let type, let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(relative)) else {
                continue
            }
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            files[relative] = File(body: ByteBuffer(bytes: data), type: type, etag: "\"\(digest)\"")
        }
        return files
    }

    /// The file at `path` (relative to the folder), or a 404 page.
    func response(_ path: String, request: Request) -> Response {
        guard let file = files[path] else {
            var response = Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
            Self.secure(&response.headers)
            return response
        }
        var headers: HTTPFields = [.contentType: file.type, .eTag: file.etag]
        headers[.cacheControl] = path.hasPrefix("vendor/") ? "public, max-age=31536000, immutable" : "no-cache"
        Self.secure(&headers)
        if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
    }

    static func secure(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
    }
}
