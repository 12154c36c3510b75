import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP client on loopback that may misbehave: it writes whatever bytes a
/// test gives it (half a request line, a head and no body) and reports what
/// came back and whether the server closed the connection. Waits poll every
/// 10 ms up to a bound, so a test fails (not hangs) when the server keeps a
/// connection it should have closed.
final class RawConnection: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex<[UInt8]>([])
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }

    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback
    /// address stands in for another client) or any.
    static func open(port: Int, from source: String? = nil) async throws -> RawConnection {
        let collector = Collector()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    var isOpen: Bool { channel.isActive }

    var received: String { String(decoding: collector.received.withLock { $0 }, as: UTF8.self) }

    /// Whether the server closed the connection within `limit`.
    func closed(within limit: Duration) async -> Bool {
        await wait(limit) { !channel.isActive }
    }

    /// The status code of the first complete response head within `limit`.
    func responseStatus(within limit: Duration) async -> Int? {
        _ = await wait(limit) { received.contains("\r\n\r\n") || !channel.isActive }
        let line = received.split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }

    func close() async { try? await channel.close() }

    private func wait(_ limit: Duration, until done: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !done() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
