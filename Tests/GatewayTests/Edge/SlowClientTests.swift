import Foundation
import NIOCore
import Testing
@testable import Gateway

/// The HTTP edge against slow and greedy clients (`Edge/`): raw sockets on
/// loopback that stop half-way, trickle, idle or pile up connections.
/// Timeouts of a few hundred milliseconds: these run in `make test`'s alone
/// step (`LUNAR_ALONE=1`), where a loaded machine cannot starve the client
/// past them before it has sent its first line.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LUNAR_ALONE"] == "1"))
struct SlowClientTests {
    static let health = "GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n"

    @Test func aPartialRequestLineIsCutOffAtTheHeaderTimeout() async throws {
        let fixture = try await GatewayFixture { $0.headerTimeout = .milliseconds(300) }
        try await fixture.run { api in
            let slow = try await RawConnection.open(port: api.port)
            try await slow.send("GET /api/hea")
            #expect(await slow.closed(within: .seconds(3)))
            #expect(slow.received.isEmpty)
            await slow.close()
        }
    }

    @Test func aTricklingHeadIsCutOffAtTheHeaderTimeoutToo() async throws {
        let fixture = try await GatewayFixture { $0.headerTimeout = .milliseconds(300) }
        try await fixture.run { api in
            let slow = try await RawConnection.open(port: api.port)
            // (On a loaded machine the 300 ms can pass before this first line: the server has closed already.)
            try? await slow.send("GET /api/health HTTP/1.1\r\n")
            // A header line every 50 ms keeps bytes coming but never ends the head.
            for index in 0..<60 where slow.isOpen {
                try? await slow.send("X-Slow-\(index): 1\r\n")
                try await Task.sleep(for: .milliseconds(50))
            }
            // The loop would trickle for 3 s; the 300 ms header timeout ended it.
            #expect(!slow.isOpen)
            await slow.close()
        }
    }

    @Test func aBodyThatNeverEndsIsCutOffAtTheBodyTimeout() async throws {
        let fixture = try await GatewayFixture { $0.bodyTimeout = .milliseconds(300) }
        try await fixture.run { api in
            let slow = try await RawConnection.open(port: api.port)
            try await slow.send("POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"login\":")
            #expect(await slow.closed(within: .seconds(3)))
            // (Closing here too keeps a failing run from waiting on the open request at shutdown.)
            await slow.close()
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        let fixture = try await GatewayFixture { $0.idleTimeout = .seconds(1) }
        try await fixture.run { api in
            let client = try await RawConnection.open(port: api.port)
            try await client.send(Self.health)
            #expect(await client.responseStatus(within: .seconds(10)) == 200)
            // A second request inside the idle window is served on the same connection.
            try await Task.sleep(for: .milliseconds(100))
            #expect(client.isOpen)
            try await client.send(Self.health)
            #expect(await client.closed(within: .seconds(3)))
            #expect(client.received.components(separatedBy: "HTTP/1.1 200").count == 3)
            await client.close()
        }
    }

    @Test func connectionsOverThePerAddressCapAreClosedAtOnce() async throws {
        let fixture = try await GatewayFixture { $0.maximumConnectionsPerAddress = 4 }
        try await fixture.run { api in
            // The test client's own connection is one of the four.
            #expect(try await api.call(.get, "/api/health").status == 200)
            var held: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try await RawConnection.open(port: api.port)
                try await connection.send(Self.health)
                #expect(await connection.responseStatus(within: .seconds(10)) == 200)
                held.append(connection)
            }
            for _ in 0..<3 {
                let extra = try await RawConnection.open(port: api.port)
                #expect(await extra.closed(within: .seconds(3)))
                #expect(extra.received.isEmpty)
                await extra.close()
            }
            #expect(held.allSatisfy { $0.isOpen })
            // Another address has its own count.
            let other = try await RawConnection.open(port: api.port, from: "127.0.0.2")
            try await other.send(Self.health)
            #expect(await other.responseStatus(within: .seconds(10)) == 200)
            #expect(try await api.call(.get, "/api/health").status == 200)

            // Once one closes, a fresh connection is served again.
            await held[0].close()
            var status: Int?
            for _ in 0..<100 where status == nil {
                let fresh = try await RawConnection.open(port: api.port)
                try? await fresh.send(Self.health)
                // Returns at once when the server closes it (still over the cap).
                status = await fresh.responseStatus(within: .seconds(10))
                await fresh.close()
                if status == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(status == 200)
            for connection in held + [other] { await connection.close() }
        }
    }
}

@Suite struct ConnectionDeadlinesTests {
    typealias Deadlines = ConnectionDeadlines
    static let timeouts = Deadlines.Timeouts(header: .seconds(10), body: .seconds(30), idle: .seconds(60))
    static let zero = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static func at(_ seconds: Int64) -> NIODeadline { zero + .seconds(seconds) }

    @Test func theHeadIsDueAfterTheHeaderTimeoutThenTheBodyAfterTheBodyTimeout() {
        var clock = Deadlines(timeouts: Self.timeouts, openedAt: Self.at(0))
        #expect(clock.deadline == Self.at(10))
        clock.bytesArrived(at: Self.at(5))
        #expect(clock.deadline == Self.at(10))
        clock.headArrived(at: Self.at(6))
        #expect(clock.deadline == Self.at(36))
        clock.endArrived(at: Self.at(7))
        #expect(clock.deadline == nil)
        clock.responseEnded(at: Self.at(20))
        #expect(clock.deadline == Self.at(80))
        clock.bytesArrived(at: Self.at(75))
        #expect(clock.deadline == Self.at(85))
        #expect(clock.isExpired(at: Self.at(85)) && !clock.isExpired(at: Self.at(84)))
    }

    @Test func anEarlyResponseLeavesTheBodyDeadlineAndAnUpgradeClearsAll() {
        var clock = Deadlines(timeouts: Self.timeouts, openedAt: Self.at(0))
        clock.headArrived(at: Self.at(1))
        clock.responseEnded(at: Self.at(2))
        #expect(clock.deadline == Self.at(31))
        clock.endArrived(at: Self.at(3))
        #expect(clock.deadline == Self.at(63))
        #expect(clock.isBetweenRequests)
        clock.upgraded()
        #expect(clock.deadline == nil && !clock.isBetweenRequests)
    }

    @Test func onlyAConnectionBetweenRequestsIsClosedAtShutdown() {
        var clock = Deadlines(timeouts: Self.timeouts, openedAt: Self.at(0))
        #expect(clock.isBetweenRequests)
        clock.headArrived(at: Self.at(1))
        #expect(!clock.isBetweenRequests)
        clock.endArrived(at: Self.at(2))
        #expect(!clock.isBetweenRequests)
        clock.responseEnded(at: Self.at(3))
        #expect(clock.isBetweenRequests)
    }
}
