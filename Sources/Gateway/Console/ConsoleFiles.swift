import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web console's files (docs/console.md): read once, when the Gateway is
/// made, from `GatewayConfiguration.consoleDirectory`, and served at `/`
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

    let files: [String: File]

    /// The files under `directory` (none when it is nil or missing: `/` is then a 404).
    init(directory: String?) {
        guard let directory, let walker = FileManager.default.enumerator(atPath: directory) else {
            files = [:]
            return
        }
        var files: [String: File] = [:]
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let ext = (name as NSString).pathExtension.lowercased()
            let type = Self.types[ext] ?? (name == "LICENSE" || name == "CHECKSUMS" ? "text/plain; charset=utf-8" : nil)
            guard let type, let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(relative)) else {
                continue
            }
            let digest = data.reduce(into: UInt64(14_695_981_039_346_656_037)) { hash, byte in hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            files[relative] = File(body: ByteBuffer(bytes: data), type: type, etag: "\"\(String(digest, radix: 16))\"")
        }
        self.files = files
    }

    var isEmpty: Bool { files.isEmpty }

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
