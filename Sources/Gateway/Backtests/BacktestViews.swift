import Host
import Marketplace
import Platform

/// A job as polled: progress while it runs, then the result (`partial`
/// when the strategy faulted and the job `failed`). Times are ISO-8601,
/// the error is an object, money is decimal text beside `currency`.
struct BacktestView: Codable, ResponseEncodableBody {
    var id: Int64
    var strategyId: Int64
    var versionId: Int64
    var status: BacktestJobs.Status
    var progress: Double
    var createdAt: Timestamp
    var finishedAt: Timestamp?
    var error: BacktestErrorView?
    /// The run's settings with every default filled in (absent for jobs
    /// stored before they were recorded).
    var config: BacktestConfigView?
    var result: BacktestResultView?

    init(_ job: BacktestJobs.Job, withResult: Bool) {
        id = job.id
        strategyId = job.strategyID.rawValue
        versionId = job.versionID.rawValue
        status = job.status
        progress = job.progress
        createdAt = Timestamp(job.createdAt)
        finishedAt = Timestamp(job.finishedAt)
        error = job.status == .failed ? BacktestErrorView(job) : nil
        config = job.settings.map(BacktestConfigView.init)
        result = withResult ? job.result.map { BacktestResultView($0) } : nil
    }
}

/// Why a job failed. For a strategy fault: its kind, message, chunk and
/// line, the callback, the event (market) `time` and Lua's traceback; for
/// other failures (`interrupted` by a restart, `job_error` for a worker or
/// a script that failed before its first bar) only kind and message.
struct BacktestErrorView: Codable, Equatable {
    var kind: String
    var message: String
    var chunk: String?
    var line: Int?
    var callback: String?
    var time: Timestamp?
    var traceback: String?

    static let faultKinds = ["runtime_error", "cpu_quota_exceeded", "wall_clock_exceeded", "memory_quota_exceeded", "host_error"]
    static let kinds = faultKinds + ["interrupted", "job_error"]

    init(_ job: BacktestJobs.Job) {
        if let fault = job.fault {
            self.init(fault)
        } else {
            self.init(kind: job.error == BacktestJob.interruptedReason ? "interrupted" : "job_error",
                      message: job.error ?? "the job failed")
        }
    }

    init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }

    init(_ fault: StrategyFault) {
        kind = switch fault.kind {
        case .runtime: "runtime_error"
        case .cpuQuota: "cpu_quota_exceeded"
        case .wallClock: "wall_clock_exceeded"
        case .memoryQuota: "memory_quota_exceeded"
        case .host: "host_error"
        }
        message = fault.message
        chunk = fault.chunk
        line = fault.line
        callback = fault.callback
        time = Timestamp(fault.time)
        traceback = fault.traceback
    }
}

/// A run's result: metrics (money as 8-decimal text, statistics as
/// numbers), trades with prices and quantities in the instrument's
/// precision, the equity curve and the positions left open.
struct BacktestResultView: Codable {
    struct Metadata: Codable {
        var strategyName: String
        var scriptHash: String
        var dataHash: String
        var parameters: [String: String]
        var engineVersion: String
        var symbols: [String]
    }

    struct Trade: Codable {
        var symbol: String
        var side: String
        var quantity: String
        var entryTime: Timestamp
        var exitTime: Timestamp
        var entryPrice: String
        var exitPrice: String
        var pnl: String
        var fees: String
        var netPnL: String
    }

    struct Point: Codable {
        var time: Timestamp
        var equity: String
    }

    /// True when the strategy faulted: everything covers the bars up to the fault.
    var partial: Bool
    var currency: String
    var metadata: Metadata
    var metrics: BacktestMetricsView
    var trades: [Trade]
    var equityCurve: [Point]
    var equityCurvePointCount: Int
    var finalPositions: [PositionRecord]

    init(_ result: BacktestResult) {
        partial = result.error != nil
        currency = APIUnits.currency
        let source = result.metadata
        metadata = Metadata(strategyName: source.strategyName, scriptHash: source.scriptHash, dataHash: source.dataHash,
                            parameters: source.parameters, engineVersion: source.engineVersion, symbols: source.symbols)
        metrics = BacktestMetricsView(result.metrics)
        trades = result.trades.map { trade in
            Trade(symbol: trade.symbol, side: trade.side, quantity: trade.quantity, entryTime: Timestamp(trade.entryTime),
                  exitTime: Timestamp(trade.exitTime), entryPrice: trade.entryPrice, exitPrice: trade.exitPrice,
                  pnl: APIUnits.money(trade.pnl), fees: APIUnits.money(trade.fees), netPnL: APIUnits.money(trade.netPnL))
        }
        equityCurve = result.equityCurve.map { Point(time: Timestamp($0.time), equity: APIUnits.money($0.equity)) }
        equityCurvePointCount = result.equityCurvePointCount
        finalPositions = result.finalPositions
    }
}
