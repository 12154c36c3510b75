import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A webhook's URL, checked: `http` or `https`, a host, no credentials, no
/// fragment. Unless the server allows private targets
/// (`WebhookConfiguration.allowPrivateTargets`), a literal address or a
/// `localhost` name in a loopback, private, link-local, shared, reserved or
/// multicast range is refused here, and every delivery resolves the host
/// and refuses it if any address it resolves to is one (`resolve`), then
/// connects to the address it checked (no second lookup to rebind).
struct WebhookTarget: Sendable {
    let text: String
    let isHTTPS: Bool
    /// Without brackets for IPv6.
    let host: String
    let port: Int

    init(_ text: String, allowPrivate: Bool) throws {
        func invalid(_ rule: String) -> APIError { APIError.invalid("url", rule) }
        guard text.utf8.count <= 2_048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw invalid("must be an absolute http:// or https:// URL of at most 2048 bytes")
        }
        guard scheme == "http" || scheme == "https" else { throw invalid("must use http or https") }
        guard components.user == nil, components.password == nil else { throw invalid("must not carry a user name or password") }
        guard components.fragment == nil else { throw invalid("must not have a #fragment") }
        guard var host = components.host?.lowercased(), !host.isEmpty else { throw invalid("must name a host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.contains(where: { $0.isWhitespace || $0 == "%" }) else { throw invalid("has an invalid host") }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65_535).contains(port) else { throw invalid("has a port outside 1 to 65535") }
        if !allowPrivate {
            // "localhost." is localhost: a name's trailing dots do not change it.
            let name = host.hasSuffix(".") ? String(host.reversed().drop { $0 == "." }.reversed()) : host
            if name == "localhost" || name.hasSuffix(".localhost") {
                throw invalid("targets this machine (\(host)); the server does not send webhooks to private addresses")
            }
            if Self.isAddress(host), !Self.isPublic(host) {
                throw invalid("targets a loopback, private or reserved address (\(host)); the server does not send webhooks there")
            }
        }
        self.text = text
        isHTTPS = scheme == "https"
        self.host = host
        self.port = port
    }

    /// The addresses the host resolves to (numeric), looked up on a
    /// Dispatch thread; a literal address is itself.
    func resolve() async throws -> [String] {
        if Self.isAddress(host) { return [host] }
        let host = self.host, port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                #if canImport(Glibc)
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                #else
                hints.ai_socktype = SOCK_STREAM
                #endif
                var list: UnsafeMutablePointer<addrinfo>?
                let status = getaddrinfo(host, String(port), &hints, &list)
                guard status == 0, let first = list else {
                    continuation.resume(throwing: WebhookError("\(host) does not resolve (\(String(cString: gai_strerror(status))))"))
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [String] = []
                var node: UnsafeMutablePointer<addrinfo>? = first
                while let entry = node {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                        let address = String(cString: buffer)
                        if !addresses.contains(address) { addresses.append(address) }
                    }
                    node = entry.pointee.ai_next
                }
                continuation.resume(returning: addresses)
            }
        }
    }

    /// Whether `text` is a literal IPv4 or IPv6 address.
    static func isAddress(_ text: String) -> Bool { ipv4(text) != nil || ipv6(text) != nil }

    /// Whether a literal address is a public unicast one (not loopback,
    /// private, link-local, CGNAT, documentation, benchmarking, multicast,
    /// reserved, unspecified; IPv4-mapped and NAT64 forms judged by their IPv4).
    static func isPublic(_ text: String) -> Bool {
        if let v4 = ipv4(text) { return isPublicIPv4(v4) }
        guard let v6 = ipv6(text) else { return false }
        let prefix = Array(v6[0..<12])
        // ::ffff:a.b.c.d and 64:ff9b::a.b.c.d carry an IPv4 address.
        if prefix == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] || prefix == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            return isPublicIPv4(Array(v6[12..<16]))
        }
        if v6[0..<15].allSatisfy({ $0 == 0 }) { return false }                  // :: and ::1
        if v6[0] == 0xff { return false }                                       // multicast
        if v6[0] & 0xfe == 0xfc { return false }                                // fc00::/7 unique local
        if v6[0] == 0xfe, v6[1] & 0xc0 == 0x80 || v6[1] & 0xc0 == 0xc0 { return false } // fe80::/10, fec0::/10
        if v6[0] == 0x20, v6[1] == 0x01, v6[2] == 0x0d, v6[3] == 0xb8 { return false }  // 2001:db8::/32 documentation
        if v6[0] == 0x20, v6[1] == 0x02 { return isPublicIPv4(Array(v6[2..<6])) }       // 6to4
        if v6[0] == 0x01, v6[1] == 0x00, v6[2..<8].allSatisfy({ $0 == 0 }) { return false } // 100::/64 discard
        return true
    }

    private static func isPublicIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1], b[2]) {
        case (0, _, _), (10, _, _), (127, _, _): false
        case (100, 64...127, _): false                // shared (CGNAT)
        case (169, 254, _): false                     // link-local (cloud metadata)
        case (172, 16...31, _): false
        case (192, 0, 0), (192, 0, 2), (192, 168, _): false
        case (198, 18...19, _), (198, 51, 100), (203, 0, 113): false
        case (224...255, _, _): false                 // multicast, reserved, broadcast
        default: true
        }
    }

    private static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}

/// Why a delivery attempt failed, as the delivery log shows it.
struct WebhookError: Error, CustomStringConvertible {
    var description: String
    /// Trying again will not help (a refused target): the delivery fails at once.
    var permanent = false
    init(_ description: String) { self.description = description }
}
