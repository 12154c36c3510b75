/// The one error body every route answers failures with.
extension ErrorResponse: SchemaDescribed {
    static let schemaName = "Error"
    static var schema: JSONSchema {
        .record(["error": .record([
            "code": .text, "message": .text, "requestId": .text,
            "details": .array(of: .record(["issue": .text], optional: ["field": .text])),
        ])])
    }
}
