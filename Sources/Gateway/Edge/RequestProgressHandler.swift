import NIOCore
import NIOHTTPTypes

/// Sits behind the HTTP decoder (Hummingbird's `additionalChannelHandlers`)
/// and reports each request head, body end and response end up the
/// pipeline to `ConnectionDeadlineHandler`. Passes every part through.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: context.triggerUserOutboundEvent(ConnectionProgress.headRead, promise: nil)
        case .end: context.triggerUserOutboundEvent(ConnectionProgress.endRead, promise: nil)
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd { context.triggerUserOutboundEvent(ConnectionProgress.responseEnded, promise: nil) }
    }
}

@available(*, unavailable)
extension RequestProgressHandler: Sendable {}
