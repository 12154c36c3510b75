import Sandbox

/// Taking a checkpoint of a kernel and building a kernel from one: how a
/// supervised deployment survives the loss of its worker process.
extension DeploymentKernel {
    /// The kernel's state now, between events. `ctx.state` is read from the
    /// sandbox (a table walk bounded by the sandbox's conversion limits).
    /// Finished round trips (`Portfolio.closedTrades`) are left out: they
    /// only grow, and a live deployment reports each as fills already.
    public func checkpoint() -> DeploymentCheckpoint {
        var account = portfolio
        account.closedTrades = []
        return DeploymentCheckpoint(
            id: id, status: CheckpointStatus(status), time: currentTimeValue, nextOrderID: router.nextOrderID,
            portfolio: account, workingOrders: router.exchange.workingOrderRecords(),
            exchangeSequence: router.exchange.eventSequence,
            state: persistedState(), timers: timers.records,
            subscriptions: subscriptions.mapValues { $0.sorted { $0.rawValue < $1.rawValue } }, fillCount: fillCount)
    }

    /// Re-creates a deployment from its configuration and a checkpoint of
    /// it. The script's main chunk runs again (declarations), `on_start` does
    /// not: the strategy carries on with the checkpoint's account, orders,
    /// `ctx.state`, timers and status.
    public convenience init(configuration: DeploymentConfiguration, restoring checkpoint: DeploymentCheckpoint,
                            killSwitches: KillSwitchBoard = KillSwitchBoard()) throws(DeploymentError) {
        var configuration = configuration
        configuration.restoredState = checkpoint.state
        try self.init(configuration: configuration, killSwitches: killSwitches)
        guard checkpoint.portfolio.instruments == portfolio.instruments else {
            throw .script(.conversion("checkpoint instruments differ from the configuration's"))
        }
        portfolio = checkpoint.portfolio
        // A checkpoint from before live kernels stopped recording trades may say otherwise.
        portfolio.recordsTrades = false
        router.exchange.restore(checkpoint.workingOrders, sequence: checkpoint.exchangeSequence)
        router.nextOrderID = checkpoint.nextOrderID
        currentTimeValue = checkpoint.time
        sandbox.setClock(.manual(Double(checkpoint.time)))
        timers = TimerSchedule(records: checkpoint.timers)
        var restored: [String: Set<SubscriptionKind>] = [:]
        for (symbol, kinds) in checkpoint.subscriptions where instruments[symbol] != nil {
            restored[symbol] = Set(kinds)
            _ = indicators.addSymbol(symbol)
        }
        subscriptions = restored
        fillCount = checkpoint.fillCount
        equitySampledTime = checkpoint.time
        equitySampledFills = checkpoint.fillCount
        status = checkpoint.status.status ?? .faulted(reason: "unknown status in checkpoint")
    }

    /// Feeds past bars to the indicators only (no strategy code runs), so
    /// `ta.*` answers after a restore as it did before, for indicators whose
    /// window those bars cover.
    public func warmIndicators(with events: [MarketEvent]) {
        for event in events {
            guard case .bar(let bar, _) = event.payload, let instrument = instruments[event.symbol] else { continue }
            appendBar(bar, instrument: instrument, to: indicators.addSymbol(event.symbol))
        }
    }
}
