import NIOCore

/// What `RequestProgressHandler` (behind the HTTP decoder) and the WebSocket
/// upgrade tell `ConnectionDeadlineHandler` (in front of it), as outbound
/// user events: the only way back up the pipeline without sharing state.
enum ConnectionProgress: Sendable {
    case headRead, endRead, responseEnded, upgraded
}

/// The first handler of every connection: sees the raw bytes (so an idle
/// wait ends at the first byte of the next request, before any head is
/// parsed), learns of heads, body ends and responses from
/// `ConnectionProgress` events, and closes the connection when
/// `ConnectionDeadlines` says it is overdue. It never parses HTTP.
/// Confined to the channel's event loop, like every channel handler.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeouts: ConnectionDeadlines.Timeouts
    private var deadlines: ConnectionDeadlines?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(timeouts: ConnectionDeadlines.Timeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelTimer() }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines?.bytesArrived(at: .now())
        reschedule(context)
        context.fireChannelRead(data)
    }

    /// Server shutdown: a connection between requests (or still waiting for
    /// its first head, before Hummingbird's own handlers are in the
    /// pipeline) closes now instead of holding the shutdown up.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, deadlines?.isBetweenRequests == true {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? ConnectionProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        let now = NIODeadline.now()
        switch progress {
        case .headRead: deadlines?.headArrived(at: now)
        case .endRead: deadlines?.endArrived(at: now)
        case .responseEnded: deadlines?.responseEnded(at: now)
        case .upgraded: deadlines?.upgraded()
        }
        reschedule(context)
        promise?.succeed(())
    }

    private func start(_ context: ChannelHandlerContext) {
        guard deadlines == nil else { return }
        deadlines = ConnectionDeadlines(timeouts: timeouts, openedAt: .now())
        reschedule(context)
    }

    /// One timer at a time, moved only when the deadline moves (not per read).
    private func reschedule(_ context: ChannelHandlerContext) {
        let next = deadlines?.deadline
        guard next != timerDeadline else { return }
        cancelTimer()
        guard let next else { return }
        timerDeadline = next
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: next) {
            self.timer = nil
            self.timerDeadline = nil
            if self.deadlines?.isExpired(at: .now()) == true {
                context.close(promise: nil)
            } else {
                self.reschedule(context)
            }
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }
}

@available(*, unavailable)
extension ConnectionDeadlineHandler: Sendable {}
