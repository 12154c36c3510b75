import Foundation
import Glibc
import Sandbox

/// How `lunar worker` was started by its supervisor.
public struct WorkerOptions: Sendable {
    /// The worker's end of the socket pair (the supervisor puts it at 3).
    public var socketDescriptor: Int32
    /// The watchdog page (4), or -1 for none.
    public var watchdogDescriptor: Int32
    /// RLIMIT_AS for the whole process; nil: unchanged.
    public var addressSpaceBytes: Int?
    /// CPU seconds one batch (or one backtest job) may use before the kernel
    /// sends SIGXCPU; nil: unlimited.
    public var cpuSecondsPerBatch: Int?
    public var maximumFrameBytes: Int
    /// Test hooks (crash, stall) are honoured only when the supervisor set
    /// `LUNAR_WORKER_TEST_HOOKS=1` in the worker's environment. No strategy
    /// can reach them: they are frames, and strategies cannot send frames.
    public var testHooks: Bool
    /// The process's `nice` value; nil: inherited.
    public var niceness: Int32?

    public init(socketDescriptor: Int32 = 3, watchdogDescriptor: Int32 = 4, addressSpaceBytes: Int? = nil,
                cpuSecondsPerBatch: Int? = nil, maximumFrameBytes: Int = IsolationConfiguration.defaultMaximumFrameBytes,
                testHooks: Bool = ProcessInfo.processInfo.environment[WorkerRuntime.testHooksVariable] == "1",
                niceness: Int32? = nil) {
        self.niceness = niceness
        self.socketDescriptor = socketDescriptor
        self.watchdogDescriptor = watchdogDescriptor
        self.addressSpaceBytes = addressSpaceBytes
        self.cpuSecondsPerBatch = cpuSecondsPerBatch
        self.maximumFrameBytes = maximumFrameBytes
        self.testHooks = testHooks
    }
}

/// The worker side of process isolation: one process, one loop, reading
/// frames from its supervisor and running the same `DeploymentKernel`s the
/// in-process host runs. Single-threaded: every kernel is confined to the
/// main thread.
public enum WorkerRuntime {
    public static let testHooksVariable = "LUNAR_WORKER_TEST_HOOKS"
    /// Test hook (with `testHooksVariable`): a symbol whose events crash the
    /// worker inside the processing of each deployment that trades it, as a
    /// bug in the kernel's fill or portfolio code would.
    public static let testPoisonSymbolVariable = "LUNAR_WORKER_TEST_POISON_SYMBOL"
    /// Test hook: a symbol whose batches crash the worker before any
    /// deployment sees them (no deployment is to blame).
    public static let testPoisonBatchVariable = "LUNAR_WORKER_TEST_POISON_BATCH"

    /// Runs until the supervisor says shut down (0) or the stream breaks (2).
    public static func run(_ options: WorkerOptions) -> Int32 {
        if let bytes = options.addressSpaceBytes { ProcessLimits.limitAddressSpace(bytes) }
        if let niceness = options.niceness { ProcessLimits.renice(niceness) }
        let page = options.watchdogDescriptor >= 0 ? try? WatchdogPage(descriptor: options.watchdogDescriptor) : nil
        let channel = FrameChannel(descriptor: options.socketDescriptor, maximumFrameBytes: options.maximumFrameBytes,
                                   expectsWorkerFrames: false)
        return WorkerSession(channel: channel, page: page, options: options).run()
    }
}

/// The deployments of one worker process and the loop that serves them.
final class WorkerSession {
    private let channel: FrameChannel
    private let page: WatchdogPage?
    private let options: WorkerOptions
    private let killSwitches = KillSwitchBoard()
    /// Kernels by slot, and the same in slot order for event delivery.
    private var kernels: [Int: DeploymentKernel] = [:]
    private var ordered: [(slot: Int, kernel: DeploymentKernel)] = []
    /// Per slot, the first batch sequence its deployment takes part in.
    private var firstSequences: [Int: UInt64] = [:]
    private var outbox: [WireNotification] = []
    private var stallSlot: Int?
    /// Bars from the last `warmUp` frame, for the restores that follow it.
    private var warmUpEvents: [MarketEvent] = []
    /// The checkpoint bytes last reported per slot.
    private var lastCheckpoints: [Int: [UInt8]] = [:]
    /// The poison test hooks (`WorkerRuntime.testPoisonSymbolVariable`).
    private let poisonSymbol: String?
    private let poisonBatch: String?

    init(channel: FrameChannel, page: WatchdogPage?, options: WorkerOptions) {
        self.channel = channel
        self.page = page
        self.options = options
        let environment = ProcessInfo.processInfo.environment
        poisonSymbol = options.testHooks ? environment[WorkerRuntime.testPoisonSymbolVariable] : nil
        poisonBatch = options.testHooks ? environment[WorkerRuntime.testPoisonBatchVariable] : nil
    }

    func run() -> Int32 {
        do {
            while let frame = try channel.receive() {
                switch frame.type {
                case .deploy: try deploy(WireJSON.decode(DeployRequest.self, frame))
                case .events: try handleEvents(frame)
                case .stop: try stop(WireJSON.decode(StopRequest.self, frame).slot)
                case .backtest: try backtest(WireJSON.decode(BacktestJob.self, frame))
                case .inspect: try inspect(WireJSON.decode(InspectRequest.self, frame))
                case .shutdown: return 0
                case .warmUp: warmUpEvents = try decodeEvents(frame).events
                case .manual: try execute(WireJSON.decode(ManualRequest.self, frame))
                case .killSwitch:
                    let request = try WireJSON.decode(KillSwitchRequest.self, frame)
                    if let engaged = request.engaged {
                        killSwitches.engage(engaged)
                    } else {
                        killSwitches.release(request.scope)
                    }
                case .testCrash where options.testHooks: crash()
                case .testStall where options.testHooks: stallSlot = try WireJSON.decode(TestHookRequest.self, frame).slot
                case .testGarbage where options.testHooks:
                    let request = try WireJSON.decode(TestGarbageRequest.self, frame)
                    try channel.send(bytes: request.bytes)
                    if request.exitAfter { return 0 }
                default: break
                }
            }
            return 0
        } catch {
            return 2
        }
    }

    // MARK: - Deployments

    private func deploy(_ request: DeployRequest) throws(IsolationError) {
        var reply = SlotReply(slot: request.slot, error: nil, notifications: [], checkpoint: nil)
        do {
            guard kernels[request.slot] == nil else { throw WireError.invalid("slot \(request.slot) in use") }
            let configuration = try request.deployment.configuration()
            // The script's main chunk runs while the kernel is built: watched
            // like any callback.
            page?.enter(slot: request.slot)
            defer { page?.leave() }
            let kernel = if let checkpoint = request.checkpoint {
                try DeploymentKernel(configuration: configuration, restoring: checkpoint, killSwitches: killSwitches)
                    .warmed(with: request.warmUp ? warmUpEvents : [])
            } else {
                try DeploymentKernel(configuration: configuration, killSwitches: killSwitches)
            }
            attach(kernel, slot: request.slot)
            firstSequences[request.slot] = request.firstSequence
            // Fresh, or restarted from a checkpoint (status ready): on_start runs.
            if request.checkpoint == nil || kernel.status == .ready { kernel.start(at: request.startAt) }
            page?.leave()
            reply.checkpoint = kernel.checkpoint()
        } catch let error as WireError {
            reply.error = error.reason
        } catch let error as DeploymentError {
            reply.error = "\(error)"
            reply.refusal = WireDeploymentError(error)
        } catch {
            reply.error = "\(error)"
        }
        reply.notifications = takeOutbox()
        try channel.send(Frame(type: .deployed, payload: WireJSON.encode(reply)))
    }

    private func attach(_ kernel: DeploymentKernel, slot: Int) {
        kernel.observer = { [unowned self] in outbox.append(WireNotification(slot: slot, $0)) }
        kernel.equityInterval = DeploymentKernel.liveEquityInterval
        if let page {
            kernel.callbackWillRun = { [unowned self] in
                page.enter(slot: slot)
                if stallSlot == slot { stallForever() }
            }
        }
        kernels[slot] = kernel
        ordered = kernels.keys.sorted().map { ($0, kernels[$0]!) }
    }

    private func stop(_ slot: Int) throws(IsolationError) {
        var reply = SlotReply(slot: slot, error: nil, notifications: [], checkpoint: nil)
        lastCheckpoints[slot] = nil
        if let kernel = kernels.removeValue(forKey: slot) {
            kernel.stop()
            page?.leave()
            reply.checkpoint = kernel.checkpoint()
            ordered = kernels.keys.sorted().map { ($0, kernels[$0]!) }
        } else {
            reply.error = "no deployment in slot \(slot)"
        }
        reply.notifications = takeOutbox()
        try channel.send(Frame(type: .stopped, payload: WireJSON.encode(reply)))
    }

    // MARK: - Manual commands

    /// Runs an owner's command between batches and answers with its outcome
    /// and the deployment's new checkpoint (the supervisor's copy must
    /// include the command before the next batch is replayed on it).
    private func execute(_ request: ManualRequest) throws(IsolationError) {
        var reply = ManualReply(slot: request.slot, outcome: nil, error: nil, notifications: [], checkpoint: nil)
        if let kernel = kernels[request.slot] {
            if let seconds = options.cpuSecondsPerBatch { ProcessLimits.renewCPUBudget(seconds: seconds) }
            // The slot is marked for the whole command (its fills and
            // portfolio included): a crash anywhere in it names this deployment.
            page?.enter(slot: request.slot)
            do {
                reply.outcome = try kernel.execute(request.command)
            } catch {
                reply.error = error
            }
            let checkpoint = kernel.checkpoint()
            lastCheckpoints[request.slot] = BatchReport.checkpointBytes(checkpoint)
            page?.leave()
            reply.checkpoint = checkpoint
        } else {
            reply.error = .unknownDeployment("slot \(request.slot)")
        }
        reply.notifications = takeOutbox()
        try channel.send(Frame(type: .manualDone, payload: WireJSON.encode(reply)))
    }

    // MARK: - Events

    private func handleEvents(_ frame: Frame) throws(IsolationError) {
        let batch = try decodeEvents(frame)
        warmUpEvents = []
        if let seconds = options.cpuSecondsPerBatch { ProcessLimits.renewCPUBudget(seconds: seconds) }
        if let poisonBatch, batch.events.contains(where: { $0.symbol == poisonBatch }) { crash() }
        let active = ordered.filter { $0.kernel.acceptsEvents && firstSequences[$0.slot, default: 0] <= batch.sequence }
        // Each deployment's slot is marked in the watchdog page for all of its
        // work on an event (exchange, fills, portfolio, callbacks) and for its
        // checkpoint: a crash anywhere there names it, so the recovery faults
        // it instead of replaying the batch into the same crash.
        for event in batch.events {
            for entry in active {
                page?.enter(slot: entry.slot)
                if let poisonSymbol, event.symbol == poisonSymbol, entry.kernel.symbols.contains(poisonSymbol) { crash() }
                entry.kernel.handle(event)
                page?.leave()
            }
        }
        // Only checkpoints that changed since the last report are sent: the
        // supervisor's copy of the others is already current.
        var checkpoints: [(slot: Int, bytes: [UInt8])] = []
        for entry in active {
            page?.enter(slot: entry.slot)
            let bytes = BatchReport.checkpointBytes(entry.kernel.checkpoint())
            page?.leave()
            if lastCheckpoints[entry.slot] != bytes {
                lastCheckpoints[entry.slot] = bytes
                checkpoints.append((entry.slot, bytes))
            }
        }
        let payload = BatchReport.encode(sequence: batch.sequence, notifications: takeOutbox(), checkpoints: checkpoints)
        try channel.send(Frame(type: .batchDone, payload: payload))
    }

    private func decodeEvents(_ frame: Frame) throws(IsolationError) -> (sequence: UInt64, events: [MarketEvent]) {
        do {
            return try WireMarketEvents.decode(frame.payload)
        } catch {
            throw .frame(.malformedPayload(type: frame.type.rawValue, reason: error.reason))
        }
    }

    private func takeOutbox() -> [WireNotification] {
        defer { outbox.removeAll(keepingCapacity: true) }
        return outbox
    }

    // MARK: - Backtests

    private func backtest(_ job: BacktestJob) throws(IsolationError) {
        if let seconds = options.cpuSecondsPerBatch { ProcessLimits.renewCPUBudget(seconds: seconds) }
        var reply = BacktestReply(resultJSON: nil, error: nil, status: CheckpointStatus(.ready), log: [], barsProcessed: 0)
        do {
            let deployment = try job.deployment.configuration()
            var configuration = BacktestConfiguration(
                source: deployment.source, chunkName: deployment.chunkName, parameters: deployment.parameters,
                instruments: deployment.instruments, bars: job.bars, timeframe: job.timeframe,
                startingCash: deployment.startingCash, exchange: deployment.exchange, risk: deployment.risk,
                sandboxLimits: deployment.sandboxLimits, seed: job.seed, dataHash: job.dataHash)
            configuration.strategyTimeframe = deployment.timeframe
            let outcome = try BacktestEngine.run(configuration)
            reply.resultJSON = try outcome.result.jsonData()
            reply.status = CheckpointStatus(outcome.status)
            reply.log = outcome.log
            reply.barsProcessed = outcome.barsProcessed
        } catch let error as WireError {
            reply.error = error.reason
        } catch {
            reply.error = "\(error)"
        }
        try channel.send(Frame(type: .backtestDone, payload: WireJSON.encode(reply)))
    }

    private func inspect(_ request: InspectRequest) throws(IsolationError) {
        if let seconds = options.cpuSecondsPerBatch { ProcessLimits.renewCPUBudget(seconds: seconds) }
        var reply = InspectReply(inspection: nil, error: nil)
        do {
            let deployment = try request.deployment.configuration()
            reply.inspection = try StrategyInspection.inspect(source: deployment.source, chunkName: deployment.chunkName,
                                                              limits: deployment.sandboxLimits)
        } catch let error as WireError {
            reply.error = error.reason
        } catch {
            reply.error = "\(error)"
        }
        try channel.send(Frame(type: .inspectDone, payload: WireJSON.encode(reply)))
    }

    /// The crash test hook: a real invalid write, as memory corruption in a
    /// C library would make one (the kernel sends SIGSEGV).
    private func crash() -> Never {
        signal(SIGSEGV, SIG_DFL)
        UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = 1
        fatalError("unreachable: the write above faults")
    }

    /// The "stuck in a long C call" test hook: a callback that never returns
    /// and uses no CPU, so only the supervisor's watchdog can end it.
    private func stallForever() -> Never {
        while true { sleep(3600) }
    }
}

extension DeploymentKernel {
    fileprivate func warmed(with events: [MarketEvent]) -> DeploymentKernel {
        warmIndicators(with: events)
        return self
    }
}
