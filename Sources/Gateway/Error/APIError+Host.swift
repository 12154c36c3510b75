import Host

extension APIError {
    /// Parameter problems, one detail per field.
    init(_ issues: SchemaIssues) {
        self.init(status: 422, code: "invalid_parameters", message: "the parameters do not fit the strategy's schema",
                  details: issues.issues.map { Detail(field: $0.field, issue: $0.message) })
    }

    init(_ error: DeploymentError) {
        switch error {
        case .script(let sandbox): self.init(sandbox)
        case .schema(let issues): self.init(issues)
        case .unknownSymbol(let symbol):
            self.init(status: 422, code: "unknown_symbol", message: "the strategy wants '\(symbol)', which this market does not list",
                      details: [Detail(field: "symbols", issue: "unknown symbol '\(symbol)'")])
        case .invalidTimeframe(let seconds):
            self.init(status: 422, code: "invalid_timeframe", message: "timeframe \(seconds) s is not between 1 s and 86400 s",
                      details: [Detail(field: "timeframe", issue: "must be 1 to 86400 seconds")])
        }
    }
}

extension APIError {
    /// What the host said when it could not deploy, the same in both host modes.
    init(_ error: DeploymentHostError) {
        switch error {
        case .refused(let refusal): self.init(refusal)
        case .duplicate:
            self.init(status: 409, code: "conflict", message: "the deployment is already running in the host")
        case .unavailable(let reason):
            self.init(status: 503, code: "host_unavailable", message: "the deployment host could not start it (\(reason)); retry",
                      retryAfter: 1)
        }
    }
}

extension APIError {
    /// A manual command the host could not carry out at all: the deployment
    /// exists (the route checked) but does not trade in the host now.
    init(_ error: ManualCommandError) {
        switch error {
        case .unknownDeployment:
            self.init(status: 409, code: "deployment_not_running", message: "the deployment is not running: start it to trade")
        case .notTrading(_, let status):
            self.init(status: 409, code: "deployment_not_trading", message: "the deployment does not trade now (\(status))")
        case .hostUnavailable(let reason):
            self.init(status: 409, code: "deployment_unavailable", message: "\(reason); retry", retryAfter: 1)
        }
    }

    /// A manual command the host refused: an order that does not exist (or
    /// no position to close) is a 404; anything the grid or the risk gate
    /// refused is a 422 naming the rule and the limit.
    init(rejection: OrderReason, field: String?) {
        switch rejection.code {
        case .unknownOrder, .noPosition:
            self.init(status: 404, code: "not_found", message: rejection.message)
        default:
            let limit = rejection.limit.map { " (limit \($0))" } ?? ""
            self.init(status: 422, code: "order_rejected", message: rejection.message,
                      details: [Detail(field: field, issue: "\(rejection.code.rawValue): \(rejection.message)\(limit)")])
        }
    }
}
