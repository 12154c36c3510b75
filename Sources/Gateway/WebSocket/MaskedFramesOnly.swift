import HummingbirdWebSocket
import NIOWebSocket

/// RFC 6455 §5.1: a server must close the connection on an unmasked client
/// frame. hummingbird-websocket 2.8.1 unmasks whatever arrives without
/// checking, so this extension, applied without negotiation, refuses data
/// frames that carry no masking key. (Control frames — ping, close — do not
/// pass through extensions; they carry no application data.)
struct MaskedFramesOnly: WebSocketExtension {
    let name = "lunar-masked-frames-only"

    func processReceivedFrame(_ frame: WebSocketFrame, context: WebSocketExtensionContext) async throws -> WebSocketFrame {
        // The library maps only its own NIO errors to close codes; this one
        // becomes 1002 (protocol error), which is what RFC 6455 asks for.
        guard frame.maskKey != nil else { throw NIOWebSocketError.fragmentedControlFrame }
        return frame
    }

    func processFrameToSend(_ frame: WebSocketFrame, context: WebSocketExtensionContext) async throws -> WebSocketFrame { frame }

    func shutdown() async {}
}

extension WebSocketServerConfiguration {
    /// The `/ws` settings: text must be valid UTF-8 (else 1007), client
    /// frames must be masked (else 1002).
    static func gateway(autoPing: Duration) -> WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: 1 << 16, extensions: [.nonNegotiatedExtension { MaskedFramesOnly() }],
                                     autoPing: .enabled(timePeriod: autoPing), validateUTF8: true)
    }
}
