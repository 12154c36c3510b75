import Foundation

/// How a `SupervisedHost` starts and polices its worker processes.
public struct IsolationConfiguration: Sendable {
    public static let defaultMaximumFrameBytes = 256 << 20

    /// The `lunar` executable; workers run `<path> worker`.
    public var executablePath: String
    /// Worker processes; default: the number of cores.
    public var workers: Int
    /// RLIMIT_AS of each worker; nil: unlimited.
    public var addressSpaceBytes: Int?
    /// CPU seconds one event batch (or backtest job) may use in a worker
    /// before the kernel ends it with SIGXCPU; nil: unlimited.
    public var cpuSecondsPerBatch: Int?
    /// How long past its sandbox wall-time budget a callback may run before
    /// the watchdog kills its worker.
    public var grace: Duration
    /// How often the watchdog looks at every worker.
    public var watchdogInterval: Duration
    /// The largest frame either side accepts.
    public var maximumFrameBytes: Int
    /// Bar events per symbol the supervisor keeps to refill indicators of
    /// deployments resumed in a fresh worker.
    public var warmUpBars: Int
    /// Enables the workers' test hooks (crash, stall). Tests only.
    public var testHooks: Bool
    /// Extra environment for workers, applied only with `testHooks` (the
    /// poison hooks of `WorkerRuntime`). Tests only.
    public var testEnvironment: [String: String] = [:]
    /// How long a stop or a manual command waits for its worker's answer.
    /// Past it, a stop kills the worker (recovery then ends the deployment
    /// where its checkpoint left it) and a manual command reports that its
    /// outcome is unknown: no caller waits on a worker without a deadline.
    public var replyDeadline: Duration = .seconds(10)
    /// The delay before replacing a worker that died again within
    /// `crashWindow`: doubled per crash in the window, from `restartBackoff`
    /// up to `maximumRestartBackoff`. The first crash is replaced at once.
    public var restartBackoff: Duration = .milliseconds(100)
    public var maximumRestartBackoff: Duration = .seconds(5)
    public var crashWindow: Duration = .seconds(60)
    /// The `nice` value workers run at (nil: the host's). `lunar serve` runs
    /// its one-off jobs (upload validation, API backtests) at 10 so that a
    /// busy script never slows the API process down.
    public var niceness: Int32?

    public init(executablePath: String, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                addressSpaceBytes: Int? = 4 << 30, cpuSecondsPerBatch: Int? = 60, grace: Duration = .milliseconds(500),
                watchdogInterval: Duration = .milliseconds(10), maximumFrameBytes: Int = defaultMaximumFrameBytes,
                warmUpBars: Int = 500, testHooks: Bool = false) {
        self.executablePath = executablePath
        self.workers = max(1, workers)
        self.addressSpaceBytes = addressSpaceBytes
        self.cpuSecondsPerBatch = cpuSecondsPerBatch
        self.grace = grace
        self.watchdogInterval = watchdogInterval
        self.maximumFrameBytes = maximumFrameBytes
        self.warmUpBars = warmUpBars
        self.testHooks = testHooks
    }

    /// The `lunar` executable beside the running one (a CLI, a benchmark or
    /// a test bundle built into the same products directory).
    public static func siblingExecutable(named name: String = "lunar") -> String {
        let current = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// The worker's command line.
    var workerArguments: [String] {
        var arguments = [executablePath, "worker", "--max-frame-bytes", String(maximumFrameBytes)]
        if let addressSpaceBytes { arguments += ["--address-space-bytes", String(addressSpaceBytes)] }
        if let cpuSecondsPerBatch { arguments += ["--cpu-seconds-per-batch", String(cpuSecondsPerBatch)] }
        if let niceness { arguments += ["--niceness", String(niceness)] }
        return arguments
    }
}

/// Where deployments run: one configuration value.
public enum HostMode: Sendable {
    /// On threads of this process (`LiveHost`): for embedders who trust
    /// their scripts, and the fastest.
    case inProcess(LiveHost.Configuration)
    /// In supervised worker processes (`SupervisedHost`): a crash or a
    /// runaway C call costs one worker, never the host.
    case isolated(IsolationConfiguration)
}

extension Duration {
    /// The duration in whole nanoseconds (the watchdog's unit).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
