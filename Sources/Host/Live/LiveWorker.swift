import Foundation

/// One worker thread of a `LiveHost`: owns its deployments (their kernels
/// and sandboxes never leave this thread) and handles event batches and
/// commands in the order they were enqueued.
final class LiveWorker: @unchecked Sendable {
    /// Deployments on this worker, by id. Touched only on the worker thread.
    typealias Registry = [String: DeploymentKernel]

    private enum Item {
        case events([MarketEvent])
        case task(() -> Void)
    }

    let index: Int
    private let batchLimit: Int
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var stopping = false
    private var thread: Thread?
    // Worker-thread state.
    private var registry: Registry = [:]
    private var ordered: [DeploymentKernel] = []

    init(index: Int, batchLimit: Int) {
        self.index = index
        self.batchLimit = batchLimit
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "lunar-worker-\(index)"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    func enqueue(_ events: [MarketEvent]) {
        append(.events(events))
    }

    /// Runs `body` on the worker thread between batches and waits for it.
    func perform<T>(_ body: @escaping (inout Registry) -> T) -> T {
        if Thread.current === thread { return body(&registry) }
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        append(.task { [self] in
            box.value = body(&registry)
            ordered = registry.keys.sorted().map { registry[$0]! }
            done.signal()
        })
        done.wait()
        return box.value!
    }

    private func append(_ item: Item) {
        condition.lock()
        queue.append(item)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping && queue.isEmpty {
                condition.unlock()
                break
            }
            let items = queue
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            for item in items {
                switch item {
                case .events(let events):
                    for event in events {
                        for kernel in ordered { kernel.handle(event) }
                    }
                case .task(let body):
                    body()
                }
            }
        }
        // Deployments still registered at shutdown are stopped in order.
        for kernel in ordered { kernel.stop(reason: "host shut down") }
        registry.removeAll()
        ordered.removeAll()
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
