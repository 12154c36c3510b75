import Foundation
import HummingbirdWSClient
import Logging
import Synchronization
import Testing
@testable import Gateway

/// An upgraded connection is past the HTTP timeouts: a WebSocket quiet for
/// longer than all of them still works (its own heartbeat governs it).
@Suite struct EdgeWebSocketTests {
    @Test func aQuietWebSocketOutlivesTheHTTPTimeouts() async throws {
        let fixture = try await GatewayFixture {
            // Long enough for the test client's own requests on a loaded machine.
            $0.headerTimeout = .seconds(1)
            $0.bodyTimeout = .seconds(1)
            $0.idleTimeout = .seconds(1)
        }
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let seen = Mutex<[String]>([])
            var logger = Logger(label: "edge-ws-test")
            logger.logLevel = .error
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(api.port)/ws?token=\(alice.access)", logger: logger) { inbound, outbound, _ in
                var subscribed = false
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    seen.withLock { $0.append(text) }
                    if text.contains(#""welcome""#) {
                        try await Task.sleep(for: .milliseconds(1_600))
                        try await outbound.write(.text(#"{"type":"subscribe","channel":"ticks","symbol":"BTCUSD"}"#))
                    }
                    if text.contains(#""subscribed""#) { subscribed = true; break }
                }
                if subscribed { try await outbound.close(.normalClosure, reason: nil) }
            }
            #expect(seen.withLock { $0 }.contains { $0.contains(#""subscribed""#) })
        }
    }
}
