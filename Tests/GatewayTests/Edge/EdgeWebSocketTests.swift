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
            // (1 s once cut a sign-up short while every suite ran on 2 cores.)
            $0.headerTimeout = .seconds(3)
            $0.bodyTimeout = .seconds(3)
            $0.idleTimeout = .seconds(3)
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
                        try await Task.sleep(for: .milliseconds(3_600))
                        try await outbound.write(.text(#"{"type":"subscribe","channel":"ticks","symbol":"BTCUSD"}"#))
                    }
                    if text.contains(#""subscribed""#) { subscribed = true; break }
                }
                if subscribed { try await outbound.close(.normalClosure, reason: nil) }
            }
            #expect(seen.withLock { $0 }.contains { $0.contains(#""subscribed""#) })
        }
    }

    /// Cross-site WebSocket hijacking: a page elsewhere cannot ride the
    /// access-token cookie into `/ws` (browsers send their page's Origin).
    @Test func aCookieUpgradeFromAForeignOriginIsRefused() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            func upgrade(origin: String?) async throws -> Int? {
                let connection = try await RawConnection.open(port: api.port)
                defer { Task { await connection.close() } }
                var head = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(api.port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                head += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                head += "Cookie: access_token=\(alice.access)\r\n"
                if let origin { head += "Origin: \(origin)\r\n" }
                try await connection.send(head + "\r\n")
                return await connection.responseStatus(within: .seconds(5))
            }
            let foreign = try await upgrade(origin: "https://evil.example")
            #expect(foreign.map { (400..<500).contains($0) } == true, "refused, not upgraded: \(String(describing: foreign))")
            let own = try await upgrade(origin: "http://127.0.0.1:\(api.port)")
            #expect(own == 101, "\(String(describing: own))")
            let none = try await upgrade(origin: nil)
            #expect(none == 101, "a non-browser client sends no Origin: \(String(describing: none))")
        }
    }
}
