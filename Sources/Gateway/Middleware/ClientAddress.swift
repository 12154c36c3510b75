/// Which address a request counts as for per-IP limits. `X-Forwarded-For`
/// is believed only when the TCP peer is a configured trusted proxy; then the
/// client is the right-most hop that is not itself a trusted proxy (the
/// left-most entries are whatever the client chose to send).
struct ClientAddress: Sendable {
    let trustedProxies: Set<String>

    func resolve(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.reversed().first { !$0.isEmpty && !trustedProxies.contains($0) } ?? peer
    }
}

import Foundation
