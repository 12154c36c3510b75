import Foundation
import Host
import Synchronization

/// Feeds a `DeploymentHost` from a market source on a thread of its own,
/// paced at `speed` × real time, recording every batch on the tape first.
/// `stop()` ends the loop and waits for it.
public final class MarketFeed: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    public let tape: MarketTape

    public init(tape: MarketTape) { self.tape = tape }

    /// Starts publishing `source` into `host`.
    public func start<Source: MarketDataSource>(into host: any DeploymentHost, speed: Double,
                                               source makeSource: @escaping @Sendable () -> Source) {
        started.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            var recording = RecordingSource(base: makeSource(), tape: tape)
            host.feed(from: &recording, speed: speed, batchLimit: 64, shouldContinue: { !self.stopped.load(ordering: .relaxed) })
            finished.signal()
        }
        thread.name = "market-feed"
        thread.start()
    }

    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed), started.load(ordering: .relaxed) else { return }
        finished.wait()
    }
}

/// Passes a source's events through, writing each to the tape.
public struct RecordingSource<Base: MarketDataSource>: MarketDataSource {
    public var base: Base
    public let tape: MarketTape

    public init(base: Base, tape: MarketTape) {
        self.base = base
        self.tape = tape
    }

    public var instruments: [Instrument] { base.instruments }
    public mutating func next() -> MarketEvent? {
        guard let event = base.next() else { return nil }
        tape.record([event])
        return event
    }
}
