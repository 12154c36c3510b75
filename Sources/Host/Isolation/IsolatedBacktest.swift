import Foundation

/// A backtest run by one worker process of its own, as the same bytes an
/// in-process run writes. For results from scripts the host does not trust.
public struct IsolatedBacktestOutcome: Sendable {
    /// `BacktestResult.jsonData()` as the worker wrote it.
    public var resultJSON: Data
    public var status: DeploymentStatus
    public var log: [DeploymentLogEntry]
    public var barsProcessed: Int

    public func result() throws -> BacktestResult { try BacktestResult.decode(resultJSON) }
}

extension BacktestEngine {
    /// Runs `configuration` in a fresh `lunar worker` and waits for it. The
    /// job may take `wallTime` before the worker is killed; the worker's CPU
    /// and address-space limits apply as for live workers.
    public static func runIsolated(_ configuration: BacktestConfiguration, isolation: IsolationConfiguration,
                                   wallTime: Duration = .seconds(600)) throws(IsolationError) -> IsolatedBacktestOutcome {
        var deployment = DeploymentConfiguration(
            id: "backtest", ownerID: "backtest", source: configuration.source, chunkName: configuration.chunkName,
            parameters: configuration.parameters, instruments: configuration.instruments,
            startingCash: configuration.startingCash, exchange: configuration.exchange, risk: configuration.risk,
            sandboxLimits: configuration.sandboxLimits)
        // The worker runs `BacktestEngine.run`, which trades the bars' symbols;
        // the strategy's timeframe crosses in the deployment.
        deployment.symbols = nil
        deployment.timeframe = configuration.strategyTimeframe
        let job = BacktestJob(deployment: WireDeployment(deployment), bars: configuration.bars,
                              timeframe: configuration.timeframe, seed: configuration.seed, dataHash: configuration.dataHash)
        let process = try WorkerProcess.spawn(isolation)
        let timer = DispatchSource.makeTimerSource()
        timer.schedule(deadline: .now() + .nanoseconds(Int(wallTime.wholeNanoseconds)))
        timer.setEventHandler { process.kill() }
        timer.resume()
        defer {
            timer.cancel()
            try? process.channel.send(Frame(type: .shutdown))
            process.kill()
            _ = process.reap()
        }
        let reply: BacktestReply
        do {
            try process.channel.send(Frame(type: .backtest, payload: WireJSON.encode(job)))
            guard let frame = try process.channel.receive() else {
                throw IsolationError.workerDied(reason: WorkerLifecycle.describe(process.reap()))
            }
            guard frame.type == .backtestDone else { throw IsolationError.frame(.wrongDirection(frame.type.rawValue)) }
            reply = try WireJSON.decode(BacktestReply.self, frame)
        } catch let error as IsolationError {
            throw error
        } catch let error as FrameError {
            throw .frame(error)
        } catch {
            throw .workerDied(reason: "\(error)")
        }
        if let error = reply.error { throw .deploymentRefused(id: "backtest", reason: error) }
        guard let json = reply.resultJSON, let status = reply.status.status else {
            throw .frame(.malformedPayload(type: FrameType.backtestDone.rawValue, reason: "no result"))
        }
        return IsolatedBacktestOutcome(resultJSON: json, status: status, log: reply.log, barsProcessed: reply.barsProcessed)
    }
}
