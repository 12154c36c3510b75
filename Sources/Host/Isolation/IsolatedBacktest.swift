import Foundation
import Glibc
import Sandbox

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
        let frame = try WorkerProcess.runJob(Frame(type: .backtest, payload: WireJSON.encode(job)), answer: .backtestDone,
                                             isolation: isolation, wallTime: wallTime)
        let reply: BacktestReply
        do { reply = try WireJSON.decode(BacktestReply.self, frame) } catch { throw .frame(error) }
        if let error = reply.error { throw .deploymentRefused(id: "backtest", reason: error) }
        guard let json = reply.resultJSON, let status = reply.status.status else {
            throw .frame(.malformedPayload(type: FrameType.backtestDone.rawValue, reason: "no result"))
        }
        return IsolatedBacktestOutcome(resultJSON: json, status: status, log: reply.log, barsProcessed: reply.barsProcessed)
    }
}

extension StrategyInspection {
    /// `inspect` in a fresh `lunar worker`, for scripts the host does not
    /// trust: compiling and the main chunk run there, under the worker's
    /// limits and `wallTime`. Throws `IsolationError.deploymentRefused` with
    /// what the script raised (worded as `inspect` words it in-process).
    public static func inspectIsolated(source: String, chunkName: String = "strategy.lua", limits: SandboxLimits = .standard,
                                       isolation: IsolationConfiguration,
                                       wallTime: Duration = .seconds(60)) throws(IsolationError) -> StrategyInspection {
        let deployment = DeploymentConfiguration(id: "inspect", ownerID: "inspect", source: source, chunkName: chunkName,
                                                 instruments: [Instrument(symbol: "BTCUSD")], sandboxLimits: limits)
        let request = InspectRequest(deployment: WireDeployment(deployment))
        let frame = try WorkerProcess.runJob(Frame(type: .inspect, payload: WireJSON.encode(request)), answer: .inspectDone,
                                             isolation: isolation, wallTime: wallTime)
        let reply: InspectReply
        do { reply = try WireJSON.decode(InspectReply.self, frame) } catch { throw .frame(error) }
        if let error = reply.error { throw .deploymentRefused(id: "inspect", reason: error) }
        guard let inspection = reply.inspection else {
            throw .frame(.malformedPayload(type: FrameType.inspectDone.rawValue, reason: "no inspection"))
        }
        return inspection
    }
}

extension WorkerProcess {
    /// A one-off job in a fresh worker: sends `request`, waits for the one
    /// frame of type `answer`, and ends the process. The worker is killed
    /// when `wallTime` passes, so the wait is bounded.
    static func runJob(_ request: Frame, answer: FrameType, isolation: IsolationConfiguration,
                       wallTime: Duration) throws(IsolationError) -> Frame {
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
        do {
            try process.channel.send(request)
            guard let frame = try process.channel.receive() else {
                let exit = process.reap()
                throw IsolationError.workerDied(reason: exit == .signaled(SIGKILL)
                    ? "the job ran past its \(wallTime) wall-time limit or was killed (SIGKILL)"
                    : WorkerLifecycle.describe(exit))
            }
            guard frame.type == answer else { throw IsolationError.frame(.wrongDirection(frame.type.rawValue)) }
            return frame
        } catch let error as IsolationError {
            throw error
        } catch let error as FrameError {
            throw .frame(error)
        } catch {
            throw .workerDied(reason: "\(error)")
        }
    }
}
