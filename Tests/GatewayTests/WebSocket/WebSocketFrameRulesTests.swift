import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Gateway

/// RFC 6455 at the frame level, over a raw TCP socket (a WebSocket client
/// library would mask and validate for us): an unmasked client frame closes
/// with 1002, a text frame that is not UTF-8 with 1007.
@Suite struct WebSocketFrameRulesTests {
    enum Outcome: Equatable {
        case closed(UInt16)
        case text(String)
        case nothing
    }

    /// Upgrades, sends `frame`, and reports the first close frame or the
    /// first text frame after the welcome.
    static func send(_ frame: [UInt8], port: Int, token: String) async -> Outcome {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: exchange(frame, port: port, token: token)) }.start()
        }
    }

    static func exchange(_ frame: [UInt8], port: Int, token: String) -> Outcome {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .nothing }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return .nothing }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET /ws?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        _ = Array(request.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var buffer: [UInt8] = []
        func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 4_096)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return false }
            buffer += chunk.prefix(count)
            return true
        }
        // The 101 response.
        while buffer.count < 4 || !String(decoding: buffer, as: UTF8.self).contains("\r\n\r\n") {
            guard fill() else { return .nothing }
        }
        let head = String(decoding: buffer, as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 101") else { return .nothing }
        let headEnd = head.utf8.count - (head.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n").utf8.count)
        buffer.removeFirst(headEnd)
        _ = frame.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var welcomed = false
        while true {
            // One server frame: unmasked, 7-bit or 16-bit length.
            while buffer.count < 2 { guard fill() else { return .nothing } }
            let opcode = buffer[0] & 0x0F
            var length = Int(buffer[1] & 0x7F)
            var offset = 2
            if length == 126 {
                while buffer.count < 4 { guard fill() else { return .nothing } }
                length = Int(buffer[2]) << 8 | Int(buffer[3])
                offset = 4
            }
            while buffer.count < offset + length { guard fill() else { return .nothing } }
            let payload = Array(buffer[offset..<(offset + length)])
            buffer.removeFirst(offset + length)
            switch opcode {
            case 0x8: return .closed(payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : 1005)
            case 0x1:
                if welcomed { return .text(String(decoding: payload, as: UTF8.self)) }
                welcomed = true
            default: continue
            }
        }
    }

    static func textFrame(_ payload: [UInt8], masked: Bool) -> [UInt8] {
        precondition(payload.count < 126)
        guard masked else { return [0x81, UInt8(payload.count)] + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        return [0x81, 0x80 | UInt8(payload.count)] + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    @Test func unmaskedAndInvalidUTF8FramesCloseTheConnection() async throws {
        let fixture = try await GatewayFixture()
        try await fixture.run { api in
            let alice = try await api.signUp("alice")
            let ping = Array(#"{"type":"ping"}"#.utf8)
            // The raw client works: a masked, valid frame gets its answer.
            let answered = await Self.send(Self.textFrame(ping, masked: true), port: api.port, token: alice.access)
            #expect(answered == .text(#"{"type":"pong"}"#) || { if case .text(let text) = answered { text.contains("pong") } else { false } }(),
                    "\(answered)")
            #expect(await Self.send(Self.textFrame(ping, masked: false), port: api.port, token: alice.access) == .closed(1002))
            let invalid = await Self.send(Self.textFrame([0x7B, 0xC3, 0x28, 0xFF, 0x7D], masked: true), port: api.port, token: alice.access)
            #expect(invalid == .closed(1007), "\(invalid)")
        }
    }
}
