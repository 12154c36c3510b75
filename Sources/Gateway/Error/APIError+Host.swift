import Host

extension APIError {
    /// Parameter problems, one detail per field.
    init(_ issues: SchemaIssues) {
        self.init(status: 422, code: "invalid_parameters", message: "the parameters do not fit the strategy's schema",
                  details: issues.issues.map { Detail(field: "parameters.\($0.field)", issue: $0.message) })
    }

    init(_ error: DeploymentError) {
        switch error {
        case .script(let sandbox): self.init(sandbox)
        case .schema(let issues): self.init(issues)
        case .unknownSymbol(let symbol):
            self.init(status: 422, code: "unknown_symbol", message: "the strategy wants '\(symbol)', which this market does not list",
                      details: [Detail(field: "symbol", issue: "unknown symbol '\(symbol)'")])
        }
    }
}
