extension APIError {
    /// How much of what the client sent an error may echo back. A body with
    /// a million unknown keys gets an error naming ten of them, not a
    /// million: an error must never be a way to amplify a request.
    enum EchoLimits {
        static let details = 10
        static let fieldScalars = 64
        static let issueScalars = 200
        static let messageScalars = 512
        /// The encoded error body; details are dropped to stay under it.
        static let bodyBytes = 8 * 1_024 - 512
    }

    /// At most `keeping` details (`EchoLimits.details` by default), then one
    /// saying how many more; fields, issues and the message cut (with "…")
    /// to their limits.
    func bounded(keeping kept: Int = EchoLimits.details) -> APIError {
        var copy = self
        copy.message = Self.cut(message, EchoLimits.messageScalars)
        copy.details = details.prefix(kept).map {
            Detail(field: $0.field.map { Self.cut($0, EchoLimits.fieldScalars) }, issue: Self.cut($0.issue, EchoLimits.issueScalars))
        }
        if details.count > kept { copy.details.append(Self.more(details.count - kept)) }
        return copy
    }

    private static func more(_ count: Int) -> Detail { Detail(field: nil, issue: "and \(count) more") }

    /// Cut by Unicode scalars, not characters: one "character" may hold any number of combining scalars.
    static func cut(_ text: String, _ limit: Int) -> String {
        guard text.unicodeScalars.count > limit else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(limit - 1))
        return String(scalars) + "…"
    }
}
