/// The quotas and bounds one sandbox runs under. Every field has a documented
/// default (see docs/sandbox.md); the host may tighten or loosen each.
public struct SandboxLimits: Sendable, Equatable {
    /// Bytes the Lua heap may hold, counted with the allocator's per-block
    /// overhead. An allocation past it fails and the call ends with
    /// `SandboxError.memoryQuotaExceeded`.
    public var memoryBytes: Int
    /// CPU time of the calling thread one call (load or callback) may use.
    public var cpuTimePerCall: Duration
    /// Wall-clock time one call may take, however it spends it.
    public var wallTimePerCall: Duration
    /// Seed of `math.random`, so runs are reproducible.
    public var randomSeed: UInt64
    /// Bytes of script output (`print`, `warn`, `ctx.log`, after escaping)
    /// kept per `logWindow` of the sandbox clock: event time when the host
    /// sets the clock (every deployment, backtest and live alike), wall time
    /// otherwise. Lines past it are dropped; one notice per window reports
    /// how many bytes were suppressed (docs/sandbox.md, "Script output").
    public var logBytesPerWindow: Int
    /// The length of a log budget window (whole seconds).
    public var logWindow: Duration
    /// The largest chunk `load` or the host loader accepts.
    public var maxSourceBytes: Int
    /// Bounds on one table tree crossing between Lua and Swift.
    public var maxConvertedValues: Int
    public var maxConvertedDepth: Int

    public init(
        memoryBytes: Int = 16 << 20,
        cpuTimePerCall: Duration = .milliseconds(50),
        wallTimePerCall: Duration = .milliseconds(200),
        randomSeed: UInt64 = 1,
        logBytesPerWindow: Int = 64 << 10,
        logWindow: Duration = .seconds(60),
        maxSourceBytes: Int = 1 << 20,
        maxConvertedValues: Int = 100_000,
        maxConvertedDepth: Int = 32
    ) {
        self.memoryBytes = memoryBytes
        self.cpuTimePerCall = cpuTimePerCall
        self.wallTimePerCall = wallTimePerCall
        self.randomSeed = randomSeed
        self.logBytesPerWindow = logBytesPerWindow
        self.logWindow = logWindow
        self.maxSourceBytes = maxSourceBytes
        self.maxConvertedValues = maxConvertedValues
        self.maxConvertedDepth = maxConvertedDepth
    }

    /// The most bytes one output line holds after escaping (longer lines
    /// end in `...[truncated]`).
    public static let logLineBytes = 1024

    /// The defaults: 16 MiB, 50 ms CPU and 200 ms wall time per call, 64 KiB
    /// of output per minute of event time.
    public static let standard = SandboxLimits()
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
