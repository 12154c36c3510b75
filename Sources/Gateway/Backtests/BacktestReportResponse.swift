import HTTPTypes
import Host
import Hummingbird
import Platform

/// `GET /api/backtests/{id}/report`: the same self-contained HTML file
/// `lunar backtest --report` writes. The report has inline CSS and SVG and
/// no scripts, so its policy allows inline styles and nothing else; the
/// strategy's name and parameters in it are escaped by the Host's writer.
enum BacktestReportResponse {
    static let documentation = ResponseDocumentation(status: 200, schema: .text, mediaType: "text/html")
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The report of a finished job; 409 while it is queued or running, or
    /// when it failed before producing any result.
    static func response(for job: BacktestJobs.Job) throws -> Response {
        guard job.status == .completed || job.status == .failed else {
            throw APIError(status: 409, code: "backtest_unfinished", message: "the backtest is \(job.status.rawValue); poll it until it finishes")
        }
        guard let result = job.result else {
            throw APIError(status: 409, code: "no_result", message: "the backtest failed before producing a result")
        }
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "private, no-store"]
        if let policy = HTTPField.Name("Content-Security-Policy") { headers[policy] = contentSecurityPolicy }
        if let sniff = HTTPField.Name("X-Content-Type-Options") { headers[sniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: BacktestReport.html(for: result))))
    }
}
